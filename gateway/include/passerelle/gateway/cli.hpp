#pragma once

namespace passerelle::gateway {

// The `passerelle` command line: --version, --help, `serve`, `admin`
// (operator API client) and `db migrate`. Returns the
// process exit code.
int run_cli(int argc, char** argv);

}  // namespace passerelle::gateway
