// Subtree serialisation for xml::serialize.
//
// Written by hand instead of using DOMLSSerializer so that a subtree taken
// out of its document (a SOAP payload, an ebRIM object) carries every
// namespace declaration in scope at its root: QNames in attribute values
// such as xsi:type depend on them, and DOMLSSerializer only declares the
// prefixes used in element and attribute names. The walk is iterative so a
// deep tree built in memory cannot exhaust the stack.

#include <string>
#include <utility>
#include <vector>
#include <xercesc/dom/DOM.hpp>

#include "passerelle/core/xml.hpp"

namespace passerelle::xml {
namespace {

using xercesc::DOMElement;
using xercesc::DOMNamedNodeMap;
using xercesc::DOMNode;

constexpr char16_t kXmlnsNs[] = u"http://www.w3.org/2000/xmlns/";
constexpr char16_t kXmlNs[] = u"http://www.w3.org/XML/1998/namespace";

std::u16string str(const XMLCh* s) { return s != nullptr ? std::u16string(s) : std::u16string(); }

bool is_xmlns_attribute(const DOMNode& attr) { return str(attr.getNamespaceURI()) == kXmlnsNs; }

// The prefix an xmlns attribute declares ("" for the default namespace).
std::u16string declared_prefix(const DOMNode& attr) {
  const std::u16string prefix = str(attr.getPrefix());
  return prefix.empty() ? std::u16string() : str(attr.getLocalName());
}

void escape_text(std::string& out, const XMLCh* text) {
  for (const char c : utf8(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\r':
        out += "&#xD;";
        break;
      default:
        out.push_back(c);
    }
  }
}

// Whitespace other than space must be a character reference in attribute
// values, or attribute-value normalisation turns it into a space.
void escape_attribute(std::string& out, const std::u16string& value) {
  for (const char c : utf8(value.c_str())) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\t':
        out += "&#x9;";
        break;
      case '\n':
        out += "&#xA;";
        break;
      case '\r':
        out += "&#xD;";
        break;
      default:
        out.push_back(c);
    }
  }
}

using Binding = std::pair<std::u16string, std::u16string>;  // prefix, namespace

class Writer {
 public:
  std::string take() { return std::move(out_); }

  void write(const DOMNode& top) {
    struct Step {
      const DOMNode* node;
      bool closing;
    };
    std::vector<Step> stack{{&top, false}};
    while (!stack.empty()) {
      const Step step = stack.back();
      stack.pop_back();
      if (step.closing) {
        close(static_cast<const DOMElement&>(*step.node));
        continue;
      }
      const DOMNode& node = *step.node;
      switch (node.getNodeType()) {
        case DOMNode::ELEMENT_NODE: {
          const auto& element = static_cast<const DOMElement&>(node);
          const bool has_children = node.getFirstChild() != nullptr;
          open(element, &node == &top, has_children);
          if (has_children) {
            stack.push_back({&node, true});
            push_children_reversed(node, stack);
          }
          break;
        }
        case DOMNode::DOCUMENT_NODE:
        case DOMNode::DOCUMENT_FRAGMENT_NODE:
        case DOMNode::ENTITY_REFERENCE_NODE:
          push_children_reversed(node, stack);
          break;
        case DOMNode::TEXT_NODE:
        case DOMNode::CDATA_SECTION_NODE:
          escape_text(out_, node.getNodeValue());
          break;
        case DOMNode::COMMENT_NODE:
          out_ += "<!--" + utf8(node.getNodeValue()) + "-->";
          break;
        case DOMNode::PROCESSING_INSTRUCTION_NODE:
          out_ += "<?" + utf8(node.getNodeName());
          if (const XMLCh* data = node.getNodeValue(); data != nullptr && *data != 0) {
            out_ += " " + utf8(data);
          }
          out_ += "?>";
          break;
        default:  // Attributes and DTD nodes have no place in element content.
          escape_text(out_, node.getNodeValue());
          break;
      }
    }
  }

 private:
  template <typename Stack>
  static void push_children_reversed(const DOMNode& node, Stack& stack) {
    for (const DOMNode* child = node.getLastChild(); child != nullptr;
         child = child->getPreviousSibling()) {
      stack.push_back({child, false});
    }
  }

  std::u16string lookup(const std::u16string& prefix) const {
    if (prefix == u"xml") return kXmlNs;
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->first == prefix) return it->second;
    }
    return {};
  }

  static void add_unique(std::vector<Binding>& decls, Binding binding) {
    for (const auto& d : decls) {
      if (d.first == binding.first) return;
    }
    decls.push_back(std::move(binding));
  }

  // Declarations of the ancestors of the subtree root, nearest first.
  static void add_inherited(const DOMElement& element, std::vector<Binding>& decls) {
    for (const DOMNode* up = element.getParentNode();
         up != nullptr && up->getNodeType() == DOMNode::ELEMENT_NODE; up = up->getParentNode()) {
      const DOMNamedNodeMap* attrs = up->getAttributes();
      for (XMLSize_t i = 0; attrs != nullptr && i < attrs->getLength(); ++i) {
        const DOMNode& attr = *attrs->item(i);
        if (is_xmlns_attribute(attr)) {
          add_unique(decls, {declared_prefix(attr), str(attr.getNodeValue())});
        }
      }
    }
  }

  void open(const DOMElement& element, bool is_top, bool has_children) {
    std::vector<Binding> decls;
    const DOMNamedNodeMap* attrs = element.getAttributes();
    const XMLSize_t count = attrs != nullptr ? attrs->getLength() : 0;
    for (XMLSize_t i = 0; i < count; ++i) {
      const DOMNode& attr = *attrs->item(i);
      if (is_xmlns_attribute(attr)) {
        add_unique(decls, {declared_prefix(attr), str(attr.getNodeValue())});
      }
    }
    if (is_top) add_inherited(element, decls);

    marks_.push_back(scope_.size());
    for (const auto& d : decls) scope_.push_back(d);

    // Fix-up for nodes created in memory without their xmlns attributes.
    auto ensure = [&](const std::u16string& prefix, const std::u16string& ns) {
      if (prefix == u"xml" || lookup(prefix) == ns) return;
      scope_.emplace_back(prefix, ns);
      // A DOM edited in memory can contradict its own xmlns attribute; the
      // node's real namespace wins so the output stays namespace-well-formed.
      for (auto& d : decls) {
        if (d.first == prefix) {
          d.second = ns;
          return;
        }
      }
      decls.emplace_back(prefix, ns);
    };
    ensure(str(element.getPrefix()), str(element.getNamespaceURI()));
    for (XMLSize_t i = 0; i < count; ++i) {
      const DOMNode& attr = *attrs->item(i);
      const std::u16string prefix = str(attr.getPrefix());
      if (!is_xmlns_attribute(attr) && !prefix.empty()) {
        ensure(prefix, str(attr.getNamespaceURI()));
      }
    }

    out_ += "<" + utf8(element.getTagName());
    for (const auto& [prefix, ns] : decls) {
      out_ += prefix.empty() ? " xmlns" : " xmlns:" + utf8(prefix.c_str());
      out_ += "=\"";
      escape_attribute(out_, ns);
      out_ += "\"";
    }
    for (XMLSize_t i = 0; i < count; ++i) {
      const DOMNode& attr = *attrs->item(i);
      if (is_xmlns_attribute(attr)) continue;
      out_ += " " + utf8(attr.getNodeName()) + "=\"";
      escape_attribute(out_, str(attr.getNodeValue()));
      out_ += "\"";
    }
    if (has_children) {
      out_ += ">";
    } else {
      out_ += "/>";
      pop_scope();
    }
  }

  void close(const DOMElement& element) {
    out_ += "</" + utf8(element.getTagName()) + ">";
    pop_scope();
  }

  void pop_scope() {
    scope_.resize(marks_.back());
    marks_.pop_back();
  }

  std::string out_;
  std::vector<Binding> scope_;
  std::vector<std::size_t> marks_;
};

}  // namespace

std::string serialize(const DOMNode& node) {
  Writer writer;
  writer.write(node);
  return writer.take();
}

}  // namespace passerelle::xml
