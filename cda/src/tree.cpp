#include "tree.hpp"

#include <xercesc/dom/DOM.hpp>

#include "passerelle/core/xml.hpp"
#include "passerelle/core/xml_utf8.hpp"

namespace passerelle::cda::detail {
namespace {

bool high_surrogate(char32_t c) { return c >= 0xD800 && c <= 0xDBFF; }
bool low_surrogate(char32_t c) { return c >= 0xDC00 && c <= 0xDFFF; }

void add_from_dom(Tree& tree, const xercesc::DOMElement& element) {
  El& el = tree.start(xml::namespace_uri(element), xml::local_name(element));
  const xercesc::DOMNamedNodeMap* attributes = element.getAttributes();
  for (XMLSize_t i = 0; attributes != nullptr && i < attributes->getLength(); ++i) {
    const xercesc::DOMNode* attribute = attributes->item(i);
    tree.add_attribute(el, attribute->getNodeName(), attribute->getNodeValue());
  }
  for (const xercesc::DOMNode* node = element.getFirstChild(); node != nullptr;
       node = node->getNextSibling()) {
    const auto type = node->getNodeType();
    if (type == xercesc::DOMNode::ELEMENT_NODE) {
      add_from_dom(tree, static_cast<const xercesc::DOMElement&>(*node));
    } else if (type == xercesc::DOMNode::TEXT_NODE ||
               type == xercesc::DOMNode::CDATA_SECTION_NODE) {
      const XMLCh* value = node->getNodeValue();
      tree.append_text(value, value == nullptr ? 0 : std::char_traits<char16_t>::length(value),
                       type == xercesc::DOMNode::CDATA_SECTION_NODE);
    }
  }
  tree.end();
}

}  // namespace

const std::string* El::attribute(std::string_view qualified_name) const {
  for (const auto& [name, value] : attributes) {
    if (name == qualified_name) return &value;
  }
  return nullptr;
}

std::string text_content(const El& element) {
  if (element.children.empty()) return element.text;
  std::string out;
  std::size_t from = 0;
  for (std::size_t i = 0; i < element.children.size(); ++i) {
    out.append(element.text, from, element.text_at[i] - from);
    from = element.text_at[i];
    out += text_content(*element.children[i]);
  }
  out.append(element.text, from, std::string::npos);
  return out;
}

El& Tree::start(std::string ns, std::string name) {
  flush();
  El& el = elements_.emplace_back();
  el.ns = std::move(ns);
  el.name = std::move(name);
  el.parent = current_;
  if (current_ != nullptr) {
    current_->children.push_back(&el);
    current_->text_at.push_back(current_->text.size());
  }
  current_ = &el;
  return el;
}

void Tree::end() {
  flush();
  if (current_ != nullptr) current_ = current_->parent;
}

// The DOM merges adjacent text, so a surrogate pair split across two calls
// is joined here too.
void Tree::append_text(const char16_t* chars, std::size_t length, bool cdata) {
  if (current_ == nullptr || length == 0) return;
  if (!cdata && !current_->own_text) {
    for (std::size_t i = 0; i < length; ++i) {
      if (chars[i] != u' ' && chars[i] != u'\t' && chars[i] != u'\r' && chars[i] != u'\n') {
        current_->own_text = true;
        break;
      }
    }
  }
  if (pending_ != 0) {
    const char16_t pair[2] = {pending_, chars[0]};
    pending_ = 0;
    if (low_surrogate(chars[0])) {
      xml::append_as_utf8(current_->text, {pair, 2});
      ++chars;
      --length;
    } else {
      xml::append_as_utf8(current_->text, {pair, 1});  // unpaired: U+FFFD
    }
  }
  if (length > 0 && high_surrogate(chars[length - 1])) {
    pending_ = chars[length - 1];
    --length;
  }
  xml::append_as_utf8(current_->text, {chars, length});
}

void Tree::flush() {
  if (pending_ != 0 && current_ != nullptr) xml::append_as_utf8(current_->text, {&pending_, 1});
  pending_ = 0;
}

void Tree::add_attribute(El& element, const char16_t* qualified_name, const char16_t* value) {
  auto& [name, text] = element.attributes.emplace_back();
  if (qualified_name != nullptr) xml::append_as_utf8(name, qualified_name);
  if (value != nullptr) xml::append_as_utf8(text, value);
}

Tree tree_from_dom(const xercesc::DOMElement& element) {
  Tree tree;
  add_from_dom(tree, element);
  return tree;
}

}  // namespace passerelle::cda::detail
