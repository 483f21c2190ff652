#include "tree.hpp"

#include <memory>

namespace passerelle::soap::wss::tree {
namespace {

std::string_view view(const xmlChar* text) {
  return text == nullptr ? std::string_view{}
                         : std::string_view(reinterpret_cast<const char*>(text));
}

void collect(const xmlNode* parent, std::string_view ns, std::string_view local,
             std::vector<xmlNode*>& out) {
  for (xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (is_element(child, ns, local)) out.push_back(child);
    collect(child, ns, local, out);
  }
}

}  // namespace

bool is_element(const xmlNode* node, std::string_view ns, std::string_view local) {
  return node != nullptr && node->type == XML_ELEMENT_NODE && view(node->name) == local &&
         node->ns != nullptr && view(node->ns->href) == ns;
}

std::vector<xmlNode*> children(const xmlNode* parent, std::string_view ns, std::string_view local) {
  std::vector<xmlNode*> out;
  for (xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (is_element(child, ns, local)) out.push_back(child);
  }
  return out;
}

std::vector<xmlNode*> element_children(const xmlNode* parent) {
  std::vector<xmlNode*> out;
  for (xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) out.push_back(child);
  }
  return out;
}

std::vector<xmlNode*> descendants(const xmlNode* parent, std::string_view ns,
                                  std::string_view local) {
  std::vector<xmlNode*> out;
  collect(parent, ns, local, out);
  return out;
}

xmlAttr* attribute_node(const xmlNode* element, const char* name) {
  for (xmlAttr* attr = element->properties; attr != nullptr; attr = attr->next) {
    if (attr->ns == nullptr && view(attr->name) == name) return attr;
  }
  return nullptr;
}

std::string attribute(const xmlNode* element, const char* name, bool* present) {
  xmlAttr* attr = attribute_node(element, name);
  if (present != nullptr) *present = attr != nullptr;
  return attr == nullptr ? std::string{} : text(reinterpret_cast<const xmlNode*>(attr));
}

std::string text(const xmlNode* node) {
  const std::unique_ptr<xmlChar, decltype(xmlFree)> content(xmlNodeGetContent(node), xmlFree);
  return std::string(view(content.get()));
}

std::string qualified(const xmlNode* node) {
  std::string ns = node->ns == nullptr ? "" : std::string(view(node->ns->href));
  return "{" + ns + "}" + std::string(view(node->name));
}

}  // namespace passerelle::soap::wss::tree
