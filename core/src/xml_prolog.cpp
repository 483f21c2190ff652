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

bool declares_utf8_or_nothing(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (bytes.substr(0, 5) != "<?xml" || bytes.size() < 6 || !is_space(bytes[5])) return true;
  constexpr std::size_t kLongestDeclaration = 512;
  const std::size_t close = bytes.substr(0, kLongestDeclaration).find("?>");
  if (close == std::string_view::npos) return false;
  const std::string_view declaration = bytes.substr(5, close - 5);
  const std::size_t name = declaration.find("encoding");
  if (name == std::string_view::npos) return true;
  std::size_t i = name + 8;
  while (i < declaration.size() && is_space(declaration[i])) ++i;
  if (i == declaration.size() || declaration[i] != '=') return false;
  ++i;
  while (i < declaration.size() && is_space(declaration[i])) ++i;
  if (i == declaration.size() || (declaration[i] != '"' && declaration[i] != '\'')) return false;
  const char quote = declaration[i];
  const std::size_t end = declaration.find(quote, i + 1);
  if (end == std::string_view::npos) return false;
  const std::string_view value = declaration.substr(i + 1, end - i - 1);
  constexpr std::string_view kUtf8 = "utf-8";
  if (value.size() != kUtf8.size()) return false;
  for (std::size_t k = 0; k < value.size(); ++k) {
    const char c = value[k];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kUtf8[k]) return false;
  }
  return true;
}

}  // namespace passerelle::xml
