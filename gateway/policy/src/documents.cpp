// R-READ-2..6 (what an admitted caller sees) and R-DOC-3/4, R-SPEC-1/2 (what
// it may add).

#include <algorithm>

#include "passerelle/policy/confidentiality.hpp"
#include "passerelle/policy/special_documents.hpp"
#include "rules.hpp"

namespace passerelle::policy::rules {

namespace {

// XON component 10: the structure id (prefixed 1 FINESS, 3 SIRET…).
std::string structure_id(const std::string& xon) {
  std::size_t start = 0;
  for (int component = 0; component < 9; ++component) {
    start = xon.find('^', start);
    if (start == std::string::npos) return {};
    ++start;
  }
  return xon.substr(start, xon.find('^', start) - start);
}

bool institution_matches(const registry::DocumentEntry& entry, const std::string& structure) {
  if (structure.empty()) return false;
  for (const registry::Author& author : entry.authors) {
    for (const std::string& institution : author.institutions) {
      if (structure_id(institution) == structure) return true;
    }
  }
  return false;
}

Refusal refuse(const char* code, std::string reason, const registry::DocumentEntry& entry) {
  return Refusal{code, std::move(reason), entry.entry_uuid};
}

}  // namespace

bool is_author(const Caller& caller, const registry::DocumentEntry& entry) {
  if (caller.side != Side::Professional) return authored_by(entry, caller.person_id);
  const soap::AccessContext& context = caller.context;
  if (context.authentication == soap::AuthenticationMode::Directe) {
    return authored_by(entry, context.person_id) ||
           (!context.person_id.empty() &&
            first_component(entry.legal_authenticator) == context.person_id);
  }
  return institution_matches(entry, context.structure_id);
}

ReadFilter read_filter(const Caller& caller, const Access& access) {
  ReadFilter filter;
  switch (caller.side) {
    case Side::Patient:
      filter.all_types = true;
      filter.hide_invisible_to_patient = true;                        // R-READ-2
      filter.hide_invisible_to_legal_representatives = access.minor;  // R-READ-4: once of age
      return filter;
    case Side::LegalRepresentative:
      filter.all_types = true;
      filter.hide_invisible_to_patient = true;                // R-READ-2: they act as the patient
      filter.hide_invisible_to_legal_representatives = true;  // R-READ-4
      return filter;
    case Side::Professional:
      break;
  }
  filter.readable_types = access.group->readable;  // R-READ-5
  if (caller.emergency()) {
    filter.hide_masked = true;  // R-READ-6: never masked documents, whoever asks
  } else if (!access.treating_doctor) {
    filter.hide_masked = true;  // R-READ-3: the author still sees their own
    filter.masked_author_id = caller.context.person_id;
  }
  return filter;
}

std::optional<Refusal> check_submission(const Caller& caller, const RecordState& record,
                                        const Access& access,
                                        std::span<const registry::DocumentEntry> documents,
                                        std::span<const registry::DocumentEntry> replaced) {
  const bool has_representatives = access.minor || record.legal_representative.has_value();
  for (const registry::DocumentEntry& entry : documents) {
    if (entry.authors.empty()) {
      return refuse(refusal::kAuthorMissing, "the document has no author", entry);
    }
    if (!is_author(caller, entry)) {
      return refuse(refusal::kAuthorMismatch,
                    caller.side == Side::Professional &&
                            caller.context.authentication != soap::AuthenticationMode::Directe
                        ? "no authorInstitution of the document is the caller's structure"
                        : "no authorPerson of the document is the caller",
                    entry);
    }
    if (auto invalid = check_confidentiality(entry.confidentiality_codes, has_representatives,
                                             entry.entry_uuid)) {
      return invalid;
    }
    if (is_reimbursement_data(entry)) {  // R-SPEC-2
      return refuse(refusal::kReimbursementInsurerOnly,
                    "reimbursement data are produced by the health insurer only", entry);
    }
    if (is_vaccination_record(entry) &&
        visibility_of(entry.confidentiality_codes).masked_to_professionals) {  // R-SPEC-1
      return refuse(refusal::kVaccinationRecordProtected, "the vaccination record cannot be masked",
                    entry);
    }
  }
  // R-SPEC-1: one vaccination record per record; a new one must replace it.
  const auto count = [](std::span<const registry::DocumentEntry> entries) {
    return std::count_if(entries.begin(), entries.end(), is_vaccination_record);
  };
  const auto added = count(documents);
  if (added > 0 && (record.has_vaccination_record ? 1 : 0) - count(replaced) + added > 1) {
    const auto second = std::find_if(documents.begin(), documents.end(), is_vaccination_record);
    return refuse(refusal::kVaccinationRecordExists,
                  "a record holds one vaccination record: replace it rather than add another",
                  *second);
  }
  return std::nullopt;
}

}  // namespace passerelle::policy::rules
