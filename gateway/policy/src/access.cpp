// R-AUTH-1..8 and R-ID-3: may this caller enter this record, and how.

#include <algorithm>

#include "rules.hpp"

namespace passerelle::policy::rules {

namespace {

bool listed(const std::vector<std::string>& ids, const std::string& id) {
  return !id.empty() && std::find(ids.begin(), ids.end(), id) != ids.end();
}

Access refused(const char* code, std::string reason) {
  Access out;
  out.refusal = Refusal{code, std::move(reason), ""};
  return out;
}

// R-AUTH-1, R-AUTH-4: the caller's own authorisation (or, R-ID-3, that of a
// PS of the caller's structure).
std::optional<Refusal> check_authorisation(const Access& admitted, const RecordState& record,
                                           Clock::time_point now) {
  using Status = Authorisation::Status;
  if (admitted.group->kind == GroupKind::NonProfessional) {
    const Authorisation& held = record.structure_authorisation;
    if (held.status != Status::Active || lapsed(held, now)) {
      return Refusal{refusal::kNoAuthorisedProfessional,
                     "no professional of the caller's structure holds an active authorisation "
                     "on this record",
                     ""};
    }
    return std::nullopt;
  }
  const Authorisation& own = record.authorisation;
  switch (own.status) {
    case Status::None:
      return Refusal{refusal::kConsentRequired,
                     "first access: declare that the patient, informed beforehand, consents", ""};
    case Status::Ended:
      return Refusal{refusal::kAuthorisationEnded,
                     "the caller ended their authorisation: declare the patient's consent again",
                     ""};
    case Status::Active:
      if (lapsed(own, now)) {
        return Refusal{refusal::kAuthorisationLapsed,
                       "no access for more than 6 months: the authorisation lapsed; declare the "
                       "patient's consent again",
                       ""};
      }
      return std::nullopt;
  }
  return std::nullopt;
}

// R-AUTH-2, R-ID-3: emergency modes and who may not use them.
std::optional<Refusal> check_emergency(const Caller& caller, const Access& admitted,
                                       const RecordState& record) {
  if (admitted.group->kind == GroupKind::NonProfessional) {
    return Refusal{refusal::kEmergencyNonProfessional,
                   "non-professionals cannot use emergency access", ""};
  }
  if (admitted.group->kind == GroupKind::SocialMedicoSocial) {
    return Refusal{refusal::kEmergencySocialProfile,
                   "social and medico-social professionals cannot use emergency access", ""};
  }
  if (caller.context.purpose == soap::PurposeOfUse::BrisDeGlace &&
      record.bris_de_glace == PatientChoice::Opposed) {
    return Refusal{refusal::kEmergencyOpposed,
                   "the patient opposed emergency (bris de glace) access to their record", ""};
  }
  if (caller.context.purpose == soap::PurposeOfUse::Centre15 &&
      record.centre_15 == PatientChoice::Opposed) {
    return Refusal{refusal::kCentre15Opposed,
                   "the patient opposed access by the SAMU / Centre 15 regulation", ""};
  }
  return std::nullopt;
}

}  // namespace

Access identify(const Caller& caller, const RecordState& record, const HabilitationMatrix& matrix,
                Clock::time_point now) {
  if (record.status == RecordStatus::NotFound) {
    return refused(refusal::kRecordNotFound, "no DMP record exists for this patient");
  }
  if (record.status == RecordStatus::Closed) {
    return refused(refusal::kRecordClosed, "the patient's record is closed");
  }
  Access out;
  out.minor = is_minor(record, now);
  switch (caller.side) {
    case Side::Patient:
      if (caller.person_id.empty() || caller.person_id != first_component(record.patient_id)) {
        return refused(refusal::kNotRecordHolder, "the caller is not the holder of this record");
      }
      return out;
    case Side::LegalRepresentative:
      if (caller.person_id.empty() || record.legal_representative != caller.person_id) {
        return refused(refusal::kNotLegalRepresentative,
                       "the caller is not a legal representative of this patient");
      }
      return out;
    case Side::Professional:
      break;
  }
  const soap::AccessContext& context = caller.context;
  out.group = matrix.classify(context);
  if (out.group == nullptr) {
    return refused(refusal::kUnknownProfession, "profession '" + context.profession.code + "' (" +
                                                    context.profession.code_system +
                                                    ") has no access to the DMP");
  }
  if (listed(record.blocked, context.person_id)) {
    return refused(refusal::kBlocked, "the patient blocked this professional's access");
  }
  if (context.secret_connection && !out.minor) {
    return refused(refusal::kSecretConnectionAdult,
                   "a secret connection is possible only on a minor's record");
  }
  out.treating_doctor = listed(record.treating_doctors, context.person_id);
  return out;
}

Access access(const Caller& caller, const RecordState& record, const HabilitationMatrix& matrix,
              Clock::time_point now) {
  Access out = identify(caller, record, matrix, now);
  if (out.refusal || caller.side != Side::Professional) return out;
  out.refusal = caller.emergency() ? check_emergency(caller, out, record)
                                   : check_authorisation(out, record, now);
  return out;
}

bool is_professional(const Access& access) {
  return access.group != nullptr && access.group->kind != GroupKind::NonProfessional;
}

}  // namespace passerelle::policy::rules
