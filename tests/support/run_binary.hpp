#pragma once

// Runs the `passerelle` binary as an operator does and collects what it
// printed, for the CLI tests.

#include <string>
#include <vector>

namespace passerelle::testing {

struct Run {
  int exit_code;
  std::string out;
  std::string err;
};

Run run(const std::vector<std::string>& args);

}  // namespace passerelle::testing
