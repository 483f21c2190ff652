#pragma once

// `passerelle conformance run --endpoint-registry URL --endpoint-repository URL
//  --testkit DIR [--tests ID,…] [--collection NAME] [--client-cert F
//  --client-key F --ca F] [--record-setup URL --operator-token T]
//  [--patient-id PID] [--messages DIR] --junit FILE --html FILE`:
// replays testkit tests against any XDS.b endpoint (conformance/), prints a
// verdict per test and the closing line "N passed, M failed, K skipped".
// Exit status 0 when nothing failed, 1 when a test failed, 2 when the run
// could not start (bad option, no testkit, unreachable report file).
//
// The command runs from its CLI11 callback and ends parsing with
// CLI::RuntimeError(exit status), which run_cli's parse-error path returns
// as is: registering it is one line in cli.cpp.

namespace CLI {
class App;
}

namespace passerelle::gateway {

void add_conformance_command(CLI::App& app);

}  // namespace passerelle::gateway
