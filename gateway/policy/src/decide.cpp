#include "passerelle/policy/decide.hpp"

#include <type_traits>

#include "rules.hpp"

namespace passerelle::policy {

namespace {

using rules::Access;

Decision refuse(Refusal refusal) {
  Decision out;
  out.refusal = std::move(refusal);
  return out;
}

Decision admitted(const Caller& caller) {
  Decision out;
  if (caller.side == Side::Professional) {
    out.mode = caller.context.purpose;
    out.secret_connection = caller.context.secret_connection;
  }
  return out;
}

Refusal in_emergency(const char* what) {
  return Refusal{refusal::kUnavailableInEmergency,
                 std::string(what) + " is unavailable in emergency access", ""};
}

Decision declare_consent(const Caller& caller, const RecordState& record,
                         const HabilitationMatrix& matrix, Clock::time_point now) {
  if (caller.side != Side::Professional) {
    return refuse({refusal::kProfessionalsOnly, "only a professional declares consent", ""});
  }
  const Access who = rules::identify(caller, record, matrix, now);
  if (who.refusal) return refuse(*who.refusal);
  if (!rules::is_professional(who)) {  // R-ID-3: they act for a PS
    return refuse({refusal::kProfessionalsOnly,
                   "a non-professional cannot declare the patient's consent", ""});
  }
  if (caller.emergency()) return refuse(in_emergency("consent declaration"));  // R-AUTH-7
  return admitted(caller);
}

Decision end_authorisation(const Caller& caller, const RecordState& record) {
  if (caller.side != Side::Professional) {
    return refuse({refusal::kProfessionalsOnly, "only a professional holds an authorisation", ""});
  }
  if (record.status == RecordStatus::NotFound) {
    return refuse({refusal::kRecordNotFound, "no DMP record exists for this patient", ""});
  }
  if (caller.emergency()) return refuse(in_emergency("authorisation management"));  // R-AUTH-7
  if (record.authorisation.status != Authorisation::Status::Active) {
    return refuse({refusal::kNoAuthorisationToEnd, "the caller holds no authorisation to end", ""});
  }
  return admitted(caller);
}

// R-TRACE-2: an MT sees every trace, secret connections included (R-AUTH-5,
// R-AUTH-6); another professional only their own; the patient everything;
// legal representatives everything but secret connections.
TraceFilter trace_filter(const Caller& caller, const Access& access) {
  TraceFilter out;
  out.all_actors = caller.side != Side::Professional || access.treating_doctor;
  out.own_actor_id = caller.id();
  out.include_secret_connections = caller.side != Side::LegalRepresentative;
  return out;
}

}  // namespace

Decision decide(const Caller& caller, const RecordState& record, const Operation& operation,
                const HabilitationMatrix& matrix, Clock::time_point now) {
  if (std::holds_alternative<RecordStatusQuery>(operation)) return admitted(caller);
  if (std::holds_alternative<DeclareConsent>(operation)) {
    return declare_consent(caller, record, matrix, now);
  }
  if (std::holds_alternative<EndAuthorisation>(operation)) {
    return end_authorisation(caller, record);
  }

  const Access access = rules::access(caller, record, matrix, now);
  if (access.refusal) return refuse(*access.refusal);
  Decision out = admitted(caller);
  const ReadFilter filter = rules::read_filter(caller, access);

  if (std::holds_alternative<ReadDocuments>(operation)) {
    out.filter = filter;
  } else if (const auto* add = std::get_if<AddDocuments>(&operation)) {
    for (const registry::DocumentEntry& old : add->replaced) {
      if (auto refused =
              rules::check_change(caller, access, filter, DocumentChange::Replace, old)) {
        return refuse(*refused);
      }
    }
    if (auto refused =
            rules::check_submission(caller, record, access, add->documents, add->replaced)) {
      return refuse(*refused);
    }
  } else if (const auto* change = std::get_if<ChangeDocument>(&operation)) {
    if (auto refused =
            rules::check_change(caller, access, filter, change->change, change->target)) {
      return refuse(*refused);
    }
  } else if (const auto* folder = std::get_if<ChangeFolder>(&operation)) {
    if (caller.emergency()) {  // R-AUTH-7: no change of any kind in emergency
      return refuse({refusal::kChangeInEmergency,
                     "changing a folder is unavailable in emergency access", folder->entry_uuid});
    }
  } else if (const auto* association = std::get_if<ChangeAssociation>(&operation)) {
    if (caller.emergency()) {  // R-AUTH-7, as for a Folder
      return refuse({refusal::kChangeInEmergency,
                     "changing an association is unavailable in emergency access",
                     association->entry_uuid});
    }
  } else if (std::holds_alternative<ReadAccessHistory>(operation)) {
    if (caller.emergency()) return refuse(in_emergency("the access history"));  // R-AUTH-7
    out.traces = trace_filter(caller, access);
  } else if (std::holds_alternative<ManageBlock>(operation)) {
    if (caller.emergency()) return refuse(in_emergency("authorisation management"));  // R-AUTH-7
    // R-AUTH-3, R-AUTH-5: the patient, or an MT (at the patient's request).
    if (caller.side == Side::Professional && !access.treating_doctor) {
      return refuse({refusal::kTreatingDoctorOnly,
                     "only the patient or a treating doctor (MT) may block or unblock a "
                     "professional",
                     ""});
    }
  }
  return out;
}

AuthorisationStatus authorisation_status(const Caller& caller, const RecordState& record,
                                         const HabilitationMatrix& matrix, Clock::time_point now) {
  using Value = AuthorisationStatus::Value;
  AuthorisationStatus out;
  if (caller.side != Side::Professional || record.status == RecordStatus::NotFound) return out;
  const Access who = rules::identify(caller, record, matrix, now);
  out.treating_doctor = who.treating_doctor;
  if (who.refusal) {
    out.value = Value::Interdit;
    out.reason = who.refusal;
    return out;
  }
  const Authorisation& held =
      rules::is_professional(who) ? record.authorisation : record.structure_authorisation;
  if (held.status == Authorisation::Status::Active) {
    out.value = lapsed(held, now) ? Value::Expire : Value::Valide;
  }
  return out;
}

const char* to_string(AuthorisationStatus::Value value) {
  switch (value) {
    case AuthorisationStatus::Value::Valide:
      return "VALIDE";
    case AuthorisationStatus::Value::Expire:
      return "EXPIRE";
    case AuthorisationStatus::Value::Interdit:
      return "INTERDIT";
    case AuthorisationStatus::Value::NonExiste:
      return "NON_EXISTE";
  }
  return "NON_EXISTE";
}

}  // namespace passerelle::policy
