#include "passerelle/policy/read_filter.hpp"

#include "passerelle/policy/confidentiality.hpp"
#include "passerelle/registry/vocabulary.hpp"

namespace passerelle::policy {

bool authored_by(const registry::DocumentEntry& entry, std::string_view person_id) {
  if (person_id.empty()) return false;
  for (const registry::Author& author : entry.authors) {
    if (author.person &&
        std::string_view(*author.person).substr(0, author.person->find('^')) == person_id) {
      return true;
    }
  }
  return false;
}

bool ReadFilter::readable_type(std::string_view code, std::string_view scheme) const {
  return all_types || readable_types->contains(code, scheme);
}

bool ReadFilter::visible(const registry::DocumentEntry& entry) const {
  if (hide_deleted && entry.status == registry::vocab::kDeleted) return false;
  if (!all_types) {
    if (!entry.type_code || !readable_type(entry.type_code->code, entry.type_code->scheme)) {
      return false;
    }
  }
  const Visibility visibility = visibility_of(entry.confidentiality_codes);
  if (hide_invisible_to_patient && visibility.invisible_to_patient) return false;
  if (hide_invisible_to_legal_representatives && visibility.invisible_to_legal_representatives) {
    return false;
  }
  if (hide_masked && visibility.masked_to_professionals) {
    return authored_by(entry, masked_author_id);
  }
  return true;
}

}  // namespace passerelle::policy
