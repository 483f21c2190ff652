#pragma once

// issue 10: `passerelle xdm` (docs/xdm-import-export.md):
//
//   xdm check FILE.zip [limits]
//       reads the package as the gateway would and prints its lots and
//       documents, or the precise refusal (exit 2).
//   xdm import FILE.zip --repository URL [--vihf FILE] [--client-cert F
//              --client-key F] [--ca F] [limits]
//       submits each lot as an ITI-41 MTOM request to URL; one line per lot;
//       exit 0 only when every lot succeeded (1 otherwise, 2 refused package).
//   xdm export (--lot ID | --document ID) --out FILE --url URL --token-file F
//              [--ca-cert F] [--cert F --key F]
//       the operator export endpoint, written to FILE.
//
// limits: --xdm-max-entries, --xdm-max-bytes, --xdm-max-ratio (as `serve`).

#include <functional>

namespace CLI {
class App;
}

namespace passerelle::gateway {

struct XdmCommand {
  CLI::App* command = nullptr;
  std::function<int()> run;  // call once the command line is parsed
};
XdmCommand add_xdm_command(CLI::App& app);

}  // namespace passerelle::gateway
