#include "passerelle/policy/special_documents.hpp"

namespace passerelle::policy {

namespace {

bool has_type(const registry::DocumentEntry& entry, const char* code, const char* scheme) {
  return entry.type_code && entry.type_code->code == code && entry.type_code->scheme == scheme;
}

}  // namespace

bool is_vaccination_record(const registry::DocumentEntry& entry) {
  return has_type(entry, kVaccinationRecordType, kLoincSystem);
}

bool is_reimbursement_data(const registry::DocumentEntry& entry) {
  return has_type(entry, kReimbursementType, kDmpTypeSystem);
}

}  // namespace passerelle::policy
