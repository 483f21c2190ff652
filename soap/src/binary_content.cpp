// binary_content: the bytes of an element carrying binary data, either by
// xop:Include reference or as inline base64 text.

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <xercesc/dom/DOM.hpp>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/soap/envelope.hpp"
#include "passerelle/soap/namespaces.hpp"
#include "xop_include.hpp"

namespace passerelle::soap {
namespace {

using xercesc::DOMElement;
using xercesc::DOMNode;

std::string quoted_name(const DOMElement& element) {
  return "{" + xml::namespace_uri(element) + "}" + xml::local_name(element);
}

// XPath-like location of an element, e.g. /Envelope/Body/Req/Document[2],
// so an error names the offending element without quoting its content.
std::string element_path(const DOMElement& element) {
  std::vector<std::string> steps;
  for (const DOMNode* node = &element;
       node != nullptr && node->getNodeType() == DOMNode::ELEMENT_NODE;
       node = node->getParentNode()) {
    const auto& e = static_cast<const DOMElement&>(*node);
    std::size_t position = 1;
    std::size_t same = 0;
    if (const DOMNode* parent = e.getParentNode();
        parent != nullptr && parent->getNodeType() == DOMNode::ELEMENT_NODE) {
      for (const DOMElement* s = static_cast<const DOMElement*>(parent)->getFirstElementChild();
           s != nullptr; s = s->getNextElementSibling()) {
        if (!xercesc::XMLString::equals(s->getLocalName(), e.getLocalName()) ||
            !xercesc::XMLString::equals(s->getNamespaceURI(), e.getNamespaceURI())) {
          continue;
        }
        ++same;
        if (s == &e) position = same;
      }
    }
    std::string step = xml::local_name(e);
    if (same > 1) step += "[" + std::to_string(position) + "]";
    steps.push_back(std::move(step));
  }
  std::string path;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) path += "/" + *it;
  return path;
}

// A strict streaming base64 decoder, written by hand rather than with
// EVP_DecodeUpdate: OpenSSL's PEM-oriented decoder treats '-' as end of
// input and silently accepts what follows, while xs:base64Binary allows
// only the alphabet, XML whitespace and final padding. It decodes straight
// from the DOM's UTF-16 text so a large document is never copied whole.
class Base64Decoder {
 public:
  explicit Base64Decoder(Attachment::Builder& sink) : sink_(sink) {}

  // False on a character outside the base64 alphabet or data after padding.
  bool feed(const XMLCh* text) {
    for (const XMLCh* p = text; *p != 0; ++p) {
      const XMLCh c = *p;
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
      if (c == '=') {
        // Padding may only fill the last one or two places of a quantum.
        if (filled_ < 2) return false;
        ++padding_;
        ++filled_;
        if (padding_ > 2) return false;
        if (filled_ == 4) filled_ = 0, finished_ = true;
        continue;
      }
      if (finished_ || padding_ > 0) return false;
      const int value = sextet(c);
      if (value < 0) return false;
      quantum_ = (quantum_ << 6) | static_cast<std::uint32_t>(value);
      if (++filled_ == 4) {
        emit(3);
        quantum_ = 0;
        filled_ = 0;
      }
    }
    return true;
  }

  // False when the input stopped in the middle of a quantum.
  bool finish() {
    if (filled_ != 0) return false;
    if (padding_ > 0) {
      quantum_ <<= 6 * padding_;
      emit(3 - padding_);
    }
    flush();
    return true;
  }

 private:
  static int sextet(XMLCh c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  }

  void emit(int count) {
    const std::array<char, 3> bytes{static_cast<char>((quantum_ >> 16) & 0xFF),
                                    static_cast<char>((quantum_ >> 8) & 0xFF),
                                    static_cast<char>(quantum_ & 0xFF)};
    buffer_.append(bytes.data(), static_cast<std::size_t>(count));
    if (buffer_.size() >= kChunk) flush();
  }

  void flush() {
    if (buffer_.empty()) return;
    sink_.append(buffer_);
    buffer_.clear();
  }

  static constexpr std::size_t kChunk = 64 * 1024;
  Attachment::Builder& sink_;
  std::string buffer_;
  std::uint32_t quantum_ = 0;
  int filled_ = 0;   // characters of the current quantum, padding included
  int padding_ = 0;  // '=' seen
  bool finished_ = false;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 2392: the Content-ID in a cid: URL is %hh-encoded.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool starts_with_cid(std::string_view href) {
  if (href.size() < 4) return false;
  // URL schemes are case-insensitive.
  std::string scheme(href.substr(0, 4));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return scheme == "cid:";
}

}  // namespace

std::shared_ptr<const Attachment> resolve_xop_include(
    const DOMElement& include, const std::vector<std::shared_ptr<const Attachment>>& attachments) {
  const std::optional<std::string> href = xml::attribute(include, "", "href");
  if (!href) {
    throw Failure(codes::kUnresolvedXopInclude, "", "xop:Include without href");
  }
  if (!starts_with_cid(*href)) {
    throw Failure(codes::kUnresolvedXopInclude, *href, "xop:Include href is not a cid: URL");
  }
  const std::optional<std::string> content_id = percent_decode(std::string_view(*href).substr(4));
  if (!content_id) {
    throw Failure(codes::kUnresolvedXopInclude, *href, "bad percent-encoding in cid: URL");
  }
  for (const auto& attachment : attachments) {
    if (attachment->content_id() == *content_id) return attachment;
  }
  throw Failure(codes::kUnresolvedXopInclude, *href, "xop:Include names no MIME part");
}

std::shared_ptr<const Attachment> binary_content(const SoapRequest& request,
                                                 const DOMElement& element,
                                                 const DecodeOptions& options) {
  const std::vector<DOMElement*> children = xml::child_elements(element);
  if (children.size() == 1 && xml::is_element(*children.front(), ns::kXop, "Include")) {
    return resolve_xop_include(*children.front(), request.attachments);
  }
  if (!children.empty()) {
    throw Failure(codes::kMalformedEnvelope, element_path(element),
                  "element content found where base64 data or one xop:Include was expected in " +
                      quoted_name(element));
  }

  Attachment::Builder builder("", "", options.spill_threshold, options.spool_dir);
  Base64Decoder decoder(builder);
  bool ok = true;
  for (const DOMNode* node = element.getFirstChild(); ok && node != nullptr;
       node = node->getNextSibling()) {
    const auto type = node->getNodeType();
    if (type == DOMNode::TEXT_NODE || type == DOMNode::CDATA_SECTION_NODE) {
      ok = decoder.feed(node->getNodeValue());
    }
  }
  if (!ok || !decoder.finish()) {
    throw Failure(codes::kMalformedEnvelope, element_path(element),
                  "invalid base64 content in " + quoted_name(element));
  }
  return std::move(builder).finish();
}

}  // namespace passerelle::soap
