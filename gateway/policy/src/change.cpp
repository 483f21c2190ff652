// R-CHG-1..5 with R-AUTH-7 and R-SPEC-1/2: who may change an existing
// document, and never in emergency.

#include "passerelle/policy/special_documents.hpp"
#include "rules.hpp"

namespace passerelle::policy::rules {

namespace {

Refusal refuse(const char* code, std::string reason, const registry::DocumentEntry& target) {
  return Refusal{code, std::move(reason), target.entry_uuid};
}

std::optional<Refusal> protected_type(DocumentChange change,
                                      const registry::DocumentEntry& target) {
  if (is_vaccination_record(target) &&
      (change == DocumentChange::Mask || change == DocumentChange::Archive ||
       change == DocumentChange::Unarchive || change == DocumentChange::Delete)) {
    return refuse(refusal::kVaccinationRecordProtected,
                  std::string("the vaccination record cannot be ") +
                      (change == DocumentChange::Mask     ? "masked"
                       : change == DocumentChange::Delete ? "deleted"
                                                          : "archived or unarchived"),
                  target);
  }
  if (is_reimbursement_data(target) &&
      (change == DocumentChange::Archive || change == DocumentChange::Unarchive ||
       change == DocumentChange::Delete)) {
    return refuse(refusal::kReimbursementProtected,
                  "reimbursement data cannot be archived or deleted", target);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Refusal> check_change(const Caller& caller, const Access& access,
                                    const ReadFilter& filter, DocumentChange change,
                                    const registry::DocumentEntry& target) {
  if (caller.emergency()) {  // R-AUTH-7 (and, for R-CHG-4/5, the task's strict reading)
    return refuse(refusal::kChangeInEmergency,
                  std::string("'") + to_string(change) + "' is unavailable in emergency access",
                  target);
  }
  // Answered exactly as for an absent document (R-READ-1).
  if (!filter.visible(target)) {
    return refuse(refusal::kDocumentNotFound, "no such document in this record", target);
  }
  if (auto refused = protected_type(change, target)) return refused;
  const bool patient_side = caller.side != Side::Professional;
  const bool professional = is_professional(access);
  switch (change) {
    case DocumentChange::Mask:
    case DocumentChange::Unmask:  // R-CHG-1, R-SPEC-2
      if (is_reimbursement_data(target)) {
        if (patient_side) return std::nullopt;
        return refuse(refusal::kReimbursementProtected,
                      "only the patient may mask or unmask reimbursement data", target);
      }
      if (patient_side || access.treating_doctor ||
          (professional && authored_by(target, caller.context.person_id))) {
        return std::nullopt;
      }
      return refuse(refusal::kChangeNotPermitted,
                    "only the patient, the document's author or a treating doctor (MT) may mask "
                    "or unmask a document",
                    target);
    case DocumentChange::MakeVisibleToPatient:  // R-CHG-2
      if (professional) return std::nullopt;
      return refuse(refusal::kChangeNotPermitted,
                    "only an authorised professional may make a document visible to the patient",
                    target);
    case DocumentChange::MakeVisibleToLegalRepresentatives:  // R-CHG-2
      if (professional || caller.side == Side::Patient) return std::nullopt;
      return refuse(refusal::kChangeNotPermitted,
                    "only an authorised professional or the patient may make a document "
                    "visible to the legal representatives",
                    target);
    case DocumentChange::Archive:
    case DocumentChange::Unarchive:  // R-CHG-3
      if (professional || patient_side) return std::nullopt;
      return refuse(refusal::kChangeNotPermitted,
                    "only a professional or the patient may archive or unarchive a document",
                    target);
    case DocumentChange::Replace:  // R-CHG-4; the vaccination record grows (R-SPEC-1)
      if (is_vaccination_record(target) && (professional || patient_side)) return std::nullopt;
      [[fallthrough]];
    case DocumentChange::Delete:  // R-CHG-5
      if (is_author(caller, target)) return std::nullopt;
      return refuse(refusal::kNotDepositor,
                    std::string("only the document's depositor may ") + to_string(change) + " it",
                    target);
  }
  return refuse(refusal::kUnsupportedChange, "unknown change", target);
}

}  // namespace passerelle::policy::rules
