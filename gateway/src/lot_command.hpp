#pragma once

// `passerelle lot sign --key K --cert C LOT_DIR [--out FILE]` and
// `passerelle lot verify --trust T LOT_DIR [--signature FILE]`: the IHE DSG
// lot signature of docs/signature.md, offline, with the module the gateway
// uses. LOT_DIR holds METADATA.XML (a SubmitObjectsRequest, or a
// ProvideAndRegisterDocumentSetRequest around one) and each document in the
// file its DocumentEntry's URI slot names. Exit status: 0 signed / valid,
// 1 refused (the error code and reason are printed), 2 unreadable input.

#include <functional>

namespace CLI {
class App;
}

namespace passerelle::gateway {

struct LotCommand {
  CLI::App* command = nullptr;
  std::function<int()> run;  // call once the command line is parsed
};
LotCommand add_lot_command(CLI::App& app);

}  // namespace passerelle::gateway
