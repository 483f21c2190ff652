#include "xml_prolog.hpp"

#include <string_view>

namespace passerelle::xml {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Skips past `terminator`; false when the input ends first.
bool skip_past(std::string_view bytes, std::size_t& i, std::string_view terminator) {
  const std::size_t end = bytes.find(terminator, i);
  if (end == std::string_view::npos) return false;
  i = end + terminator.size();
  return true;
}

}  // namespace

// Walks only what may precede the root element (XML declaration, comments,
// processing instructions, whitespace), so a "<!DOCTYPE" quoted inside a
// comment or CDATA section in the content is never mistaken for one.
bool prolog_has_doctype(std::string_view bytes) {
  std::size_t i = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < bytes.size()) {
    if (is_space(bytes[i])) {
      ++i;
    } else if (bytes.substr(i, 4) == "<!--") {
      if (!skip_past(bytes, i, "-->")) return false;
    } else if (bytes.substr(i, 2) == "<?") {
      if (!skip_past(bytes, i, "?>")) return false;
    } else {
      return bytes.substr(i, 9) == "<!DOCTYPE";
    }
  }
  return false;
}

}  // namespace passerelle::xml
