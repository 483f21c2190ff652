// Content-Type values (RFC 2045 section 5.1, RFC 7231 section 3.1.1.1).
// Deliberately lenient where real XDS.b clients stray from the grammar
// (unquoted values containing '/' or ':', stray whitespace, trailing ';'),
// strict where ambiguity could change the meaning (duplicate parameters,
// unterminated quotes).

#include <cctype>
#include <string>
#include <string_view>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/soap/mtom.hpp"

namespace passerelle::soap {

namespace {

constexpr const char* kLocation = "Content-Type";

[[noreturn]] void malformed(const std::string& message) {
  throw Failure(codes::kMalformedMime, kLocation, message);
}

bool is_tchar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

bool is_ctl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void advance() { ++pos_; }
  void skip_ows() {
    while (!done() && is_ows(peek())) advance();
  }

  std::string_view token() {
    const std::size_t start = pos_;
    while (!done() && is_tchar(peek())) advance();
    return text_.substr(start, pos_ - start);
  }

  std::string quoted_string() {
    advance();  // opening quote
    std::string out;
    while (!done()) {
      const char c = peek();
      advance();
      if (c == '"') return out;
      if (c == '\\') {
        if (done()) break;
        out.push_back(peek());
        advance();
        continue;
      }
      if (is_ctl(c) && c != '\t') malformed("control character in quoted parameter value");
      out.push_back(c);
    }
    malformed("unterminated quoted parameter value");
  }

  // Lenient unquoted value: anything up to ';' or whitespace, since clients
  // send e.g. type=application/xop+xml or action=urn:ihe:iti:2007:… unquoted.
  std::string_view bare_value() {
    const std::size_t start = pos_;
    while (!done() && peek() != ';' && !is_ows(peek())) {
      if (peek() == '"' || is_ctl(peek())) malformed("invalid character in parameter value");
      advance();
    }
    return text_.substr(start, pos_ - start);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string MediaType::param(const std::string& name) const {
  const auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

MediaType parse_media_type(std::string_view value) {
  Cursor cursor(value);
  MediaType result;

  cursor.skip_ows();
  const std::string_view type = cursor.token();
  if (type.empty()) malformed("missing media type");
  if (cursor.done() || cursor.peek() != '/') malformed("media type without subtype");
  cursor.advance();
  const std::string_view subtype = cursor.token();
  if (subtype.empty()) malformed("media type without subtype");
  result.type = lower(type) + "/" + lower(subtype);

  while (true) {
    cursor.skip_ows();
    if (cursor.done()) break;
    if (cursor.peek() != ';') malformed("expected ';' before parameter");
    cursor.advance();
    cursor.skip_ows();
    // Empty parameters (";;" or a trailing ';') carry nothing; skip them.
    if (cursor.done() || cursor.peek() == ';') continue;

    const std::string name = lower(cursor.token());
    if (name.empty()) malformed("invalid parameter name");
    cursor.skip_ows();
    if (cursor.done() || cursor.peek() != '=') malformed("parameter '" + name + "' without '='");
    cursor.advance();
    cursor.skip_ows();
    if (cursor.done()) malformed("parameter '" + name + "' without value");

    std::string param_value;
    if (cursor.peek() == '"') {
      param_value = cursor.quoted_string();
    } else {
      param_value = std::string(cursor.bare_value());
      if (param_value.empty()) malformed("parameter '" + name + "' without value");
    }
    // Two boundaries or two starts would let sender and receiver disagree.
    if (!result.params.emplace(name, std::move(param_value)).second) {
      malformed("duplicate parameter '" + name + "'");
    }
  }
  return result;
}

}  // namespace passerelle::soap
