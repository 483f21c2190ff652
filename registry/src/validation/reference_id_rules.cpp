// referenceIdList (ITI TF-3 §4.2.3.2.28) under a profile that lists the
// identifier types it accepts (Profile::reference_id_types: the DMP allows only the
// accession, order and studyInstanceUID types of JDV_J231,
// dmp-xds-mapping.md §4–5). The CXi syntax itself is the slot table's check.

#include <string>
#include <string_view>

#include "passerelle/registry/xds_codes.hpp"
#include "validation/rules.hpp"

namespace passerelle::registry::validation {
namespace {

// CXi component 5, the identifier type code; "" when absent.
std::string_view type_code(std::string_view cxi) {
  for (int separators = 0; separators < 4; ++separators) {
    const auto caret = cxi.find('^');
    if (caret == std::string_view::npos) return {};
    cxi.remove_prefix(caret + 1);
  }
  return cxi.substr(0, cxi.find('^'));
}

bool listed_code(const CodeList& list, std::string_view code) {
  for (const auto& entry : list.entries()) {
    if (entry.code == code) return true;
  }
  return false;
}

}  // namespace

void check_reference_ids(const Submission& submission, const Profile& profile, Collector& out) {
  const CodeList& types = profile.reference_id_types;
  if (types.entries().empty()) return;
  for (const DocumentEntry& d : submission.documents) {
    for (const std::string& value : d.reference_ids) {
      const std::string_view type = type_code(value);
      if (type.empty() || listed_code(types, type)) continue;
      out.add(d.entry_uuid, xds_codes::kRegistryMetadataError,
              message("referenceIdList",
                      "identifier type '" + std::string(type) + "' is not in profile '" +
                          profile.name + "' reference_id_types",
                      value));
    }
  }
}

}  // namespace passerelle::registry::validation
