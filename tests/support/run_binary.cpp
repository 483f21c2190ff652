#include "run_binary.hpp"

#include <boost/process.hpp>
#include <iterator>

namespace passerelle::testing {

Run run(const std::vector<std::string>& args) {
  namespace bp = boost::process;
  bp::ipstream out;
  bp::ipstream err;
  bp::child child(PASSERELLE_BINARY, bp::args(args), bp::std_out > out, bp::std_err > err);
  std::string out_text((std::istreambuf_iterator<char>(out)), {});
  std::string err_text((std::istreambuf_iterator<char>(err)), {});
  child.wait();
  return {child.exit_code(), out_text, err_text};
}

}  // namespace passerelle::testing
