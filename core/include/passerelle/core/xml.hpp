#pragma once

// The project's one hardened XML entry point (DEVELOPERS.md, "XML"). Every
// parse — SOAP, ebRIM, CDA, SAML, XDM metadata — goes through xml::parse:
// no DTD (a DOCTYPE is refused outright, which also stops entity expansion
// attacks), no external entity, schema or DTD is ever fetched, and input
// size, element depth and attribute count are bounded.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <xercesc/dom/DOM.hpp>

namespace passerelle::xml {

// Initialises Xerces-C for as long as it lives. Create one in main() and in
// each test fixture that parses; parsing without one is undefined.
class Runtime {
 public:
  Runtime();
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
};

struct Limits {
  std::size_t max_bytes = 64u * 1024u * 1024u;
  std::size_t max_depth = 256;
  std::size_t max_attributes_per_element = 256;
};

struct DocumentRelease {
  void operator()(xercesc::DOMDocument* doc) const noexcept;
};

// Owns a parsed DOM tree. Movable, not copyable.
class Document {
 public:
  explicit Document(std::unique_ptr<xercesc::DOMDocument, DocumentRelease> doc);
  xercesc::DOMDocument& dom() const { return *doc_; }
  xercesc::DOMElement& root() const;

 private:
  std::unique_ptr<xercesc::DOMDocument, DocumentRelease> doc_;
};

// Parses with namespaces on and every unsafe feature off. Throws Failure with
// codes::kMalformedXml, kForbiddenXmlConstruct (DOCTYPE, entity, external
// reference) or kXmlLimitExceeded. `location` names the input in errors.
Document parse(std::string_view bytes, const Limits& limits = {}, std::string_view location = "");

// Hardened parsers kept for reuse, with exactly xml::parse's guarantees:
// building and tearing down a Xerces DOM parser was a quarter of the time of
// parsing a small SOAP request. Thread-safe; keeps at most `max_idle` idle
// parsers; a parser whose parse threw is discarded, never reused. An input
// of more than `max_reused_input` bytes gets a parser of its own, discarded
// after: a scanner's buffers grow to the largest text it met (an inline
// base64 document) and would stay allocated while it sits idle. Must be
// destroyed while the Runtime is alive.
class ParserPool {
 public:
  explicit ParserPool(std::size_t max_idle = 16,
                      std::size_t max_reused_input = std::size_t{256} * 1024);
  ~ParserPool();
  ParserPool(const ParserPool&) = delete;
  ParserPool& operator=(const ParserPool&) = delete;

  Document parse(std::string_view bytes, const Limits& limits = {},
                 std::string_view location = "") const;
  std::size_t idle() const;  // parsers kept for reuse now

 private:
  struct Idle;
  std::unique_ptr<Idle> idle_;
};

// xml::parse through `pool` when there is one.
inline Document parse(const ParserPool* pool, std::string_view bytes, const Limits& limits,
                      std::string_view location) {
  return pool != nullptr ? pool->parse(bytes, limits, location) : parse(bytes, limits, location);
}

// UTF-8 <-> XMLCh.
std::string utf8(const XMLCh* text);
std::u16string xmlch(std::string_view utf8_text);

// Namespace-aware navigation, UTF-8 in and out.
std::string local_name(const xercesc::DOMNode& node);
std::string namespace_uri(const xercesc::DOMNode& node);
bool is_element(const xercesc::DOMNode& node, std::string_view ns, std::string_view local);
std::vector<xercesc::DOMElement*> child_elements(const xercesc::DOMElement& parent);
std::vector<xercesc::DOMElement*> child_elements(const xercesc::DOMElement& parent,
                                                 std::string_view ns, std::string_view local);
xercesc::DOMElement* first_child_element(const xercesc::DOMElement& parent, std::string_view ns,
                                         std::string_view local);
std::string text_content(const xercesc::DOMNode& node);
std::optional<std::string> attribute(const xercesc::DOMElement& element, std::string_view name);
std::optional<std::string> attribute(const xercesc::DOMElement& element, std::string_view ns,
                                     std::string_view local);

// Serialises a node (and its subtree) to UTF-8 XML without an XML
// declaration, keeping the namespace declarations it needs in scope.
std::string serialize(const xercesc::DOMNode& node);

// Escaping for text and attribute values when writing XML by hand.
std::string escape(std::string_view text);

}  // namespace passerelle::xml
