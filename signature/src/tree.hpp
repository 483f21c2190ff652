#pragma once

// Namespace-aware libxml2 navigation for signed trees. Private to signature/.

#include <libxml/tree.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace passerelle::signature::detail {

inline constexpr std::string_view kDsigNs = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr std::string_view kXadesNs = "http://uri.etsi.org/01903/v1.3.2#";
// XAdES 1.1.1 (ETSI TS 101 903 V1.1.1), what DRIMbox writes; verified, never written.
inline constexpr std::string_view kXades111Ns = "http://uri.etsi.org/01903/v1.1.1#";

bool is_element(const xmlNode* node, std::string_view ns, std::string_view local);
std::vector<xmlNode*> child_elements(const xmlNode* parent);
std::vector<xmlNode*> child_elements(const xmlNode* parent, std::string_view ns,
                                     std::string_view local);
xmlNode* first_child(const xmlNode* parent, std::string_view ns, std::string_view local);
// The only such child: null when absent, and `many` set when there are more.
xmlNode* only_child(const xmlNode* parent, std::string_view ns, std::string_view local, bool& many);
std::optional<std::string> attribute(const xmlNode* element, std::string_view name);
std::string text(const xmlNode* node);
// Text with leading and trailing XML white space removed.
std::string trimmed_text(const xmlNode* node);

}  // namespace passerelle::signature::detail
