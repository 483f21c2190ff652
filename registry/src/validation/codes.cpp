// Code classifications (ITI TF-3 §4.2.3.1.2): a classificationScheme (how
// the rule found it), a nodeRepresentation, exactly one codingScheme value,
// and, when the affinity domain lists the attribute's codes, a listed code.

#include <string>
#include <string_view>

#include "passerelle/registry/xds_codes.hpp"
#include "validation/rules.hpp"

namespace passerelle::registry::validation {

void check_code(const RegistryObject& object, const CodeRule& rule,
                const Classification& classification, const Profile& profile, Collector& out) {
  const std::string_view error = xds_codes::kRegistryMetadataError;
  const std::string& code = classification.node_representation;
  if (code.empty()) {
    out.add(object.id, error,
            message(rule.attribute, "code classification without nodeRepresentation",
                    classification.id));
  }

  std::size_t scheme_slots = 0;
  std::size_t scheme_values = 0;
  std::string scheme;
  for (const auto& slot : classification.slots) {
    if (slot.name != "codingScheme") continue;
    ++scheme_slots;
    scheme_values += slot.values.size();
    if (scheme.empty() && !slot.values.empty()) scheme = slot.values.front();
  }
  if (scheme_values == 0 || scheme.empty()) {
    out.add(object.id, error,
            message(rule.attribute, "code classification without a codingScheme slot", code));
    return;
  }
  if (scheme_slots > 1 || scheme_values > 1) {
    out.add(object.id, error,
            message(rule.attribute, "codingScheme must have exactly one value", code));
  }

  const CodeList* list = profile.codes(rule.code_list);
  if (list != nullptr && !code.empty() && !list->contains(code, scheme)) {
    out.add(object.id, error,
            message(rule.attribute,
                    "code not in the profile's " + std::string(rule.code_list) +
                        " list for codingScheme '" + scheme + "'",
                    code));
  }
}

}  // namespace passerelle::registry::validation
