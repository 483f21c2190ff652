#pragma once

// `passerelle db migrate --db postgresql://… | --data-dir DIR`: brings the
// schema to this build's version (store::migrate) and prints it. With
// --data-dir the embedded cluster is started (initdb'd when new) exactly as
// `passerelle serve` does, then stopped.

#include <functional>

namespace CLI {
class App;
}

namespace passerelle::gateway {

struct DbCommand {
  CLI::App* command = nullptr;
  std::function<int()> run;  // call once the command line is parsed
};
DbCommand add_db_command(CLI::App& app);

}  // namespace passerelle::gateway
