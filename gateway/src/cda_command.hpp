#pragma once

// `passerelle cda validate FILE… [--json] [--metadata LOT.xml]`: validates CDA
// documents offline with the same cda::Validator the gateway uses (XSD, header
// rules R-CDA-1..54, nonXMLBody rules) and prints a report per file. With
// --metadata, each document is also checked against the DocumentEntry of the
// lot with the same uniqueId (cda::check_agreement, X-1…X-15). Exit status 0
// only when no file has an error; 1 when one has; 2 when a file or the lot
// cannot be read.

#include <functional>

namespace CLI {
class App;
}

namespace passerelle::gateway {

struct CdaCommand {
  CLI::App* command = nullptr;
  std::function<int()> run;  // call once the command line is parsed
};
CdaCommand add_cda_command(CLI::App& app);

}  // namespace passerelle::gateway
