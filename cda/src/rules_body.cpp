// §19 of cda-header-rules.md: component (R-CDA-44..46), and the nonXMLBody
// payload: media type, base64, size (R-DOC-1 of dmp-rules.md: 5 MB) and
// content sniffing.

#include <array>
#include <optional>
#include <set>
#include <string>

#include "base64.hpp"
#include "rules.hpp"

namespace passerelle::cda::detail {
namespace {

constexpr std::size_t kMaxDocumentBytes = 5u * 1024u * 1024u;

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int n = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Do the decoded bytes look like the declared media type?
bool sniff(std::string_view media, std::string_view bytes) {
  if (media == "application/pdf") return starts_with(bytes, "%PDF-");
  if (media == "image/jpeg") return starts_with(bytes, "\xFF\xD8\xFF");
  if (media == "image/tiff") {
    return starts_with(bytes, std::string_view("II*\0", 4)) ||
           starts_with(bytes, std::string_view("MM\0*", 4));
  }
  if (media == "text/rtf") return starts_with(bytes, "{\\rtf");
  if (media == "text/plain") return valid_utf8(bytes);
  return false;
}

void rule_45_non_xml_body(const Context& ctx, const El& body) {
  static constexpr std::string_view rule = "R-CDA-45";
  const auto texts = expect(ctx, rule, body, "text", 1, 1);
  if (texts.size() != 1) return;
  const El& text = *texts[0];
  if (attr_or(text, "representation") != "B64") {
    ctx.error(rule, path(text) + "/@representation", "nonXMLBody text must be B64");
    return;
  }
  static const std::set<std::string> kMedia = {"application/pdf", "image/jpeg", "image/tiff",
                                               "text/plain", "text/rtf"};
  const std::string media = attr_or(text, "mediaType");
  if (!kMedia.count(media)) {
    ctx.error(rule, path(text) + "/@mediaType",
              "media type '" + media +
                  "' is not one of application/pdf, image/jpeg, image/tiff, text/plain, text/rtf");
    return;
  }
  // Usually a single large text: decoded in place, not copied first.
  const auto decoded =
      text.children.empty() ? decode_base64(text.text) : decode_base64(text_content(text));
  if (!decoded) {
    ctx.error(rule, path(text), "the content is not valid base64");
    return;
  }
  if (decoded->empty()) {
    ctx.error(rule, path(text), "the content is empty");
    return;
  }
  if (decoded->size() > kMaxDocumentBytes) {
    ctx.error(
        "R-DOC-1", path(text),
        "the attached document is " + std::to_string(decoded->size()) + " bytes, more than 5 MB");
  }
  if (!sniff(media, *decoded)) {
    ctx.warning(rule, path(text), "the decoded content does not look like " + media);
  }
}

}  // namespace

void check_body(const Context& ctx, const El& doc) {
  const auto components = expect(ctx, "R-CDA-44", doc, "component", 1, 1);
  if (components.size() != 1) return;
  const auto structured = kids(*components[0], "structuredBody");
  const auto unstructured = kids(*components[0], "nonXMLBody");
  if (structured.size() + unstructured.size() != 1) {
    ctx.error("R-CDA-44", path(*components[0]),
              "the component holds exactly one structuredBody or nonXMLBody");
    return;
  }
  for (auto* body : unstructured) rule_45_non_xml_body(ctx, *body);
  for (auto* body : structured) {
    bool section = false;
    for (auto* component : kids(*body, "component"))
      section |= kid(*component, "section") != nullptr;
    if (!section) {
      ctx.error("R-CDA-46", path(*body), "a structuredBody has at least one component/section");
    }
  }
}

}  // namespace passerelle::cda::detail
