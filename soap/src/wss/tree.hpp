#pragma once

// Read-only navigation over the libxml2 tree xmlsec verifies. Everything the
// VIHF step reads comes through these, from nodes it already holds: nothing
// searches the document by name or ID.

#include <libxml/tree.h>

#include <string>
#include <string_view>
#include <vector>

namespace passerelle::soap::wss::tree {

inline constexpr const char* kDsig = "http://www.w3.org/2000/09/xmldsig#";

bool is_element(const xmlNode* node, std::string_view ns, std::string_view local);
// Element children of `parent` named {ns}local, in document order.
std::vector<xmlNode*> children(const xmlNode* parent, std::string_view ns, std::string_view local);
// Every element child, in order.
std::vector<xmlNode*> element_children(const xmlNode* parent);
// Element descendants of `parent` (not parent itself) named {ns}local.
std::vector<xmlNode*> descendants(const xmlNode* parent, std::string_view ns,
                                  std::string_view local);
// An unqualified attribute, "" when absent; `present` tells the difference.
std::string attribute(const xmlNode* element, const char* name, bool* present = nullptr);
xmlAttr* attribute_node(const xmlNode* element, const char* name);
// Text content (all descendant text), as is.
std::string text(const xmlNode* node);
// "{ns}local" for messages.
std::string qualified(const xmlNode* node);

}  // namespace passerelle::soap::wss::tree
