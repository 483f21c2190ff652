#include "tree.hpp"

namespace passerelle::signature::detail {
namespace {

std::string_view view(const xmlChar* text) {
  return text == nullptr ? std::string_view() : reinterpret_cast<const char*>(text);
}

}  // namespace

bool is_element(const xmlNode* node, std::string_view ns, std::string_view local) {
  return node != nullptr && node->type == XML_ELEMENT_NODE && view(node->name) == local &&
         node->ns != nullptr && view(node->ns->href) == ns;
}

std::vector<xmlNode*> child_elements(const xmlNode* parent) {
  std::vector<xmlNode*> out;
  for (xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) out.push_back(child);
  }
  return out;
}

std::vector<xmlNode*> child_elements(const xmlNode* parent, std::string_view ns,
                                     std::string_view local) {
  std::vector<xmlNode*> out;
  for (xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (is_element(child, ns, local)) out.push_back(child);
  }
  return out;
}

xmlNode* first_child(const xmlNode* parent, std::string_view ns, std::string_view local) {
  for (xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (is_element(child, ns, local)) return child;
  }
  return nullptr;
}

xmlNode* only_child(const xmlNode* parent, std::string_view ns, std::string_view local,
                    bool& many) {
  const std::vector<xmlNode*> found = child_elements(parent, ns, local);
  many = found.size() > 1;
  return found.size() == 1 ? found.front() : nullptr;
}

std::optional<std::string> attribute(const xmlNode* element, std::string_view name) {
  for (const xmlAttr* a = element->properties; a != nullptr; a = a->next) {
    if (a->ns == nullptr && view(a->name) == name) {
      xmlChar* value = xmlNodeListGetString(element->doc, a->children, 1);
      std::string out(view(value));
      xmlFree(value);
      return out;
    }
  }
  return std::nullopt;
}

std::string text(const xmlNode* node) {
  xmlChar* content = xmlNodeGetContent(node);
  std::string out(view(content));
  xmlFree(content);
  return out;
}

std::string trimmed_text(const xmlNode* node) {
  std::string out = text(node);
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t begin = 0;
  while (begin < out.size() && space(out[begin])) ++begin;
  std::size_t end = out.size();
  while (end > begin && space(out[end - 1])) --end;
  return out.substr(begin, end - begin);
}

}  // namespace passerelle::signature::detail
