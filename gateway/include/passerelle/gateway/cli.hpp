#pragma once

namespace passerelle::gateway {

// The `passerelle` command line: --version, --help, `serve`. Returns the
// process exit code.
int run_cli(int argc, char** argv);

}  // namespace passerelle::gateway
