#pragma once

// R-READ-1..6 as a filter the registry applies to every candidate
// DocumentEntry before counting, paging or building ObjectRefs (ITI-18), and
// before answering a retrieve (ITI-43: a filtered document is answered as
// unknown). The public fields describe the same filter for SQL push-down;
// visible() is the reference the push-down must agree with.

#include <memory>
#include <string>
#include <string_view>

#include "passerelle/policy/habilitation.hpp"
#include "passerelle/registry/metadata.hpp"

namespace passerelle::policy {

struct ReadFilter {
  // R-READ-5: false → only entries whose typeCode (code and scheme) is in
  // `readable_types` pass; true (patient side) → any type.
  bool all_types = false;
  std::shared_ptr<const ReadableTypes> readable_types = std::make_shared<const ReadableTypes>();

  // R-READ-3 / R-READ-6: entries carrying MASQUE_PS are hidden, except — when
  // `masked_author_id` is not empty — those with an authorPerson whose id
  // (first XCN component) equals it.
  bool hide_masked = false;
  std::string masked_author_id;

  bool hide_invisible_to_patient = false;                // R-READ-2
  bool hide_invisible_to_legal_representatives = false;  // R-READ-4

  // R-CHG-5: a Deleted entry is never served again, to anyone. Deprecated
  // (replaced) entries stay readable as earlier versions (R-CHG-4).
  static constexpr bool hide_deleted = true;

  bool visible(const registry::DocumentEntry& entry) const;
  bool readable_type(std::string_view code, std::string_view scheme) const;
};

// True when one of the entry's authorPerson values has `person_id` as its id.
bool authored_by(const registry::DocumentEntry& entry, std::string_view person_id);

}  // namespace passerelle::policy
