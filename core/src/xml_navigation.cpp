// Namespace-aware DOM navigation with UTF-8 strings at the boundary.

#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <xercesc/dom/DOM.hpp>

#include "passerelle/core/xml.hpp"

namespace passerelle::xml {
namespace {

using xercesc::DOMElement;
using xercesc::DOMNode;

// Compares a Xerces string with a UTF-8 one without allocating for the
// common ASCII case (every namespace and name the project looks up).
bool equals(const XMLCh* a, std::string_view b) {
  if (a == nullptr) return b.empty();
  std::size_t i = 0;
  for (; i < b.size(); ++i) {
    const auto c = static_cast<unsigned char>(b[i]);
    if (c >= 0x80) return utf8(a) == b;
    if (a[i] != c) return false;
  }
  return a[i] == 0;
}

}  // namespace

std::string local_name(const DOMNode& node) {
  const XMLCh* name = node.getLocalName();
  return utf8(name != nullptr ? name : node.getNodeName());
}

std::string namespace_uri(const DOMNode& node) { return utf8(node.getNamespaceURI()); }

bool is_element(const DOMNode& node, std::string_view ns, std::string_view local) {
  if (node.getNodeType() != DOMNode::ELEMENT_NODE) return false;
  const XMLCh* name = node.getLocalName();
  return equals(name != nullptr ? name : node.getNodeName(), local) &&
         equals(node.getNamespaceURI(), ns);
}

std::vector<DOMElement*> child_elements(const DOMElement& parent) {
  std::vector<DOMElement*> out;
  for (DOMElement* e = parent.getFirstElementChild(); e != nullptr;
       e = e->getNextElementSibling()) {
    out.push_back(e);
  }
  return out;
}

std::vector<DOMElement*> child_elements(const DOMElement& parent, std::string_view ns,
                                        std::string_view local) {
  std::vector<DOMElement*> out;
  for (DOMElement* e = parent.getFirstElementChild(); e != nullptr;
       e = e->getNextElementSibling()) {
    if (is_element(*e, ns, local)) out.push_back(e);
  }
  return out;
}

DOMElement* first_child_element(const DOMElement& parent, std::string_view ns,
                                std::string_view local) {
  for (DOMElement* e = parent.getFirstElementChild(); e != nullptr;
       e = e->getNextElementSibling()) {
    if (is_element(*e, ns, local)) return e;
  }
  return nullptr;
}

// Walks the subtree itself: DOMNode::getTextContent allocates its result in
// the document's heap, which would grow with every call until the document
// is released.
std::string text_content(const DOMNode& node) {
  const auto type = node.getNodeType();
  if (type != DOMNode::ELEMENT_NODE && type != DOMNode::DOCUMENT_NODE &&
      type != DOMNode::DOCUMENT_FRAGMENT_NODE && type != DOMNode::ENTITY_REFERENCE_NODE) {
    return utf8(node.getNodeValue());
  }
  std::string out;
  const DOMNode* current = node.getFirstChild();
  while (current != nullptr) {
    const auto t = current->getNodeType();
    if (t == DOMNode::TEXT_NODE || t == DOMNode::CDATA_SECTION_NODE) {
      out += utf8(current->getNodeValue());
    }
    if (t != DOMNode::COMMENT_NODE && t != DOMNode::PROCESSING_INSTRUCTION_NODE &&
        current->getFirstChild() != nullptr) {
      current = current->getFirstChild();
      continue;
    }
    // Climb until a sibling exists, never above `node`.
    while (current != nullptr && current != &node && current->getNextSibling() == nullptr) {
      current = current->getParentNode();
    }
    current = (current == nullptr || current == &node) ? nullptr : current->getNextSibling();
  }
  return out;
}

std::optional<std::string> attribute(const DOMElement& element, std::string_view name) {
  const std::u16string key = xmlch(name);
  const xercesc::DOMAttr* attr = element.getAttributeNode(key.c_str());
  if (attr == nullptr) return std::nullopt;
  return utf8(attr->getValue());
}

std::optional<std::string> attribute(const DOMElement& element, std::string_view ns,
                                     std::string_view local) {
  const std::u16string ns16 = xmlch(ns);
  const std::u16string local16 = xmlch(local);
  const xercesc::DOMAttr* attr =
      element.getAttributeNodeNS(ns.empty() ? nullptr : ns16.c_str(), local16.c_str());
  if (attr == nullptr) return std::nullopt;
  return utf8(attr->getValue());
}

}  // namespace passerelle::xml
