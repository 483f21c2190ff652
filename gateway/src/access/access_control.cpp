#include "access/access_control.hpp"

#include <cstdio>
#include <utility>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/record_state.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/soap/wss.hpp"

namespace passerelle::gateway::access {
namespace {

// "2024-03-01T09:12:44Z" or with fractional seconds; nullopt when unreadable.
std::optional<policy::Clock::time_point> parse_instant(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) {
    return std::nullopt;
  }
  const std::chrono::year_month_day day{std::chrono::year{y}, std::chrono::month(unsigned(mo)),
                                        std::chrono::day(unsigned(d))};
  if (!day.ok()) return std::nullopt;
  return std::chrono::sys_days{day} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s};
}

std::optional<std::chrono::year_month_day> parse_date(const std::string& text) {
  int y = 0, mo = 0, d = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d", &y, &mo, &d) != 3) return std::nullopt;
  const std::chrono::year_month_day day{std::chrono::year{y}, std::chrono::month(unsigned(mo)),
                                        std::chrono::day(unsigned(d))};
  if (!day.ok()) return std::nullopt;
  return day;
}

policy::Authorisation authorisation_of(const std::optional<store::Authorisation>& stored) {
  policy::Authorisation out;
  if (!stored) return out;
  if (stored->status == "active") {
    out.status = policy::Authorisation::Status::Active;
    out.last_access = parse_instant(stored->last_access_at).value_or(policy::Clock::time_point{});
  } else {
    out.status = policy::Authorisation::Status::Ended;
  }
  return out;
}

policy::PatientChoice choice_of(store::EmergencyChoice choice) {
  return choice == store::EmergencyChoice::Allowed ? policy::PatientChoice::Allowed
                                                   : policy::PatientChoice::Opposed;
}

store::TraceActor actor_of(const CallContext& call) {
  const soap::AccessContext& context = *call.access;
  store::TraceActor actor;
  actor.id = context.person_id;
  actor.kind = context.person_id_kind == soap::PersonIdKind::Rpps    ? store::ActorKind::Rpps
               : context.person_id_kind == soap::PersonIdKind::Adeli ? store::ActorKind::Adeli
                                                                     : store::ActorKind::Other;
  actor.profession = context.profession.code;
  actor.structure = context.structure_id;
  switch (context.authentication) {
    case soap::AuthenticationMode::Directe:
      actor.authentication = store::TraceAuthentication::Directe;
      break;
    case soap::AuthenticationMode::Indirecte:
      actor.authentication = store::TraceAuthentication::Indirecte;
      break;
    case soap::AuthenticationMode::IndirecteRenforcee:
      actor.authentication = store::TraceAuthentication::IndirecteRenforcee;
      break;
  }
  switch (context.purpose) {
    case soap::PurposeOfUse::Normal:
      actor.purpose = store::TracePurpose::Normal;
      break;
    case soap::PurposeOfUse::BrisDeGlace:
      actor.purpose = store::TracePurpose::BrisDeGlace;
      break;
    case soap::PurposeOfUse::Centre15:
      actor.purpose = store::TracePurpose::Centre15;
      break;
  }
  actor.secret_connection = context.secret_connection;
  actor.request_id = call.request_id;
  return actor;
}

store::Trace trace_of(const store::TraceActor& actor, const std::string& patient_id,
                      store::TraceAction action, const std::string& document_unique_id) {
  store::Trace trace;
  trace.actor = actor;
  trace.patient_id = patient_id;
  if (!document_unique_id.empty()) trace.document_unique_id = document_unique_id;
  trace.action = action;
  return trace;
}

}  // namespace

policy::RecordState record_state_of(const std::optional<store::RecordAccessState>& state,
                                    const std::string& patient_id) {
  policy::RecordState record;
  record.patient_id = patient_id;
  if (!state) return record;  // RecordStatus::NotFound
  record.status =
      state->state == "closed" ? policy::RecordStatus::Closed : policy::RecordStatus::Open;
  record.birth_date = parse_date(state->birth_date);
  record.treating_doctors = state->treating_doctors;
  record.blocked = state->blocked;
  record.bris_de_glace = choice_of(state->bris_de_glace);
  record.centre_15 = choice_of(state->centre_15);
  // The policy only asks whether there is one (R-AUTH-6, R-DOC-4).
  if (state->has_legal_representative) record.legal_representative = "";
  record.authorisation = authorisation_of(state->authorisation);
  record.structure_authorisation = authorisation_of(state->structure_authorisation);
  return record;
}

registry::QueryVisibility ReadGrant::visibility() const {
  return {patient_id, [filter = filter](const registry::DocumentEntry& entry) {
            return filter.visible(entry);
          }};
}

AccessControl::AccessControl(std::shared_ptr<store::ConnectionPool> pool,
                             std::shared_ptr<const registry::Profile> profile,
                             std::shared_ptr<const policy::HabilitationMatrix> matrix)
    : pool_(std::move(pool)), profile_(std::move(profile)), matrix_(std::move(matrix)) {
  if (profile_ && profile_->access_policy && !matrix_) {
    matrix_ = std::make_shared<const policy::HabilitationMatrix>(
        policy::load_habilitation_matrix(policy::default_habilitation_matrix_path()));
  }
}

bool AccessControl::applies(const CallContext& call) const {
  return profile_ && profile_->access_policy && call.access.has_value();
}

AccessControl::Evaluated AccessControl::evaluate(const CallContext& call,
                                                 const std::string& patient_id,
                                                 const policy::Operation& operation) const {
  const soap::AccessContext& context = *call.access;
  Evaluated evaluated;
  evaluated.actor = actor_of(call);
  evaluated.patient_id = patient_id;
  store::RecordStateStore states(*pool_);
  evaluated.record = record_state_of(
      states.access_state(patient_id, context.person_id, context.structure_id), patient_id);
  evaluated.decision = policy::decide(policy::Caller::professional(context), evaluated.record,
                                      operation, *matrix_, policy::Clock::now());
  return evaluated;
}

void AccessControl::refuse(const Evaluated& evaluated, store::TraceAction action,
                           const std::string& document_unique_id, const std::string& detail) const {
  const policy::Refusal& refusal = *evaluated.decision.refusal;
  store::Trace trace = trace_of(evaluated.actor, evaluated.patient_id, action, document_unique_id);
  trace.detail = detail;
  trace.allowed = false;
  trace.reason_code = refusal.code;
  trace.reason = refusal.reason;
  store::append_trace(*pool_, trace);
  throw Failure(refusal.code, refusal.location.empty() ? "AccessPolicy" : refusal.location,
                refusal.reason);
}

std::optional<ReadGrant> AccessControl::grant_read(const CallContext& call,
                                                   const std::string& request_patient,
                                                   store::TraceAction action) const {
  if (!applies(call)) return std::nullopt;
  // R-READ-1: the VIHF binds the request to one record.
  if (!request_patient.empty()) check_request_patient(call, request_patient);
  const std::string patient = request_patient.empty() ? call.access->patient_id : request_patient;
  const Evaluated evaluated = evaluate(call, patient, policy::ReadDocuments{});
  if (!evaluated.decision.allowed()) refuse(evaluated, action, "");
  store::RecordStateStore(*pool_).touch_authorisation(patient, call.access->person_id);
  ReadGrant grant{patient, *evaluated.decision.filter, evaluated.actor};
  if (action != store::TraceAction::Retrieve) append({trace_of(grant.actor, patient, action, "")});
  return grant;
}

std::set<std::string> AccessControl::hidden_documents(
    const ReadGrant& grant, const std::vector<std::string>& unique_ids) const {
  store::XdsStore store(*pool_);
  std::vector<std::string> entry_uuids;
  for (const auto& existing : store.find_documents_by_unique_id(unique_ids)) {
    entry_uuids.push_back(existing.entry_uuid);
  }
  std::set<std::string> hidden;
  for (const auto& object : store.load_objects(entry_uuids)) {
    const registry::DocumentEntry entry = registry::read_document_entry(object);
    if (entry.patient_id != grant.patient_id || !grant.filter.visible(entry)) {
      hidden.insert(entry.unique_id);
    }
  }
  return hidden;
}

void AccessControl::trace_document(const ReadGrant& grant, store::TraceAction action,
                                   const std::string& document_unique_id) const {
  append({trace_of(grant.actor, grant.patient_id, action, document_unique_id)});
}

std::vector<registry::DocumentEntry> AccessControl::registered_documents(
    const std::vector<std::string>& entry_uuids) const {
  std::vector<registry::DocumentEntry> out;
  if (entry_uuids.empty()) return out;
  for (const auto& object : store::XdsStore(*pool_).load_objects(entry_uuids)) {
    if (object.kind == registry::ObjectKind::ExtrinsicObject) {
      out.push_back(registry::read_document_entry(object));
    }
  }
  return out;
}

std::vector<store::Trace> AccessControl::check_add(
    const CallContext& call, std::span<const registry::DocumentEntry> documents,
    std::span<const registry::DocumentEntry> replaced) const {
  if (!applies(call) || documents.empty()) return {};
  const std::string& patient = documents.front().patient_id;
  for (const auto& document : documents) {
    // One lot, one record: the VIHF's (R-READ-1 applies to writes too).
    check_request_patient(call, document.patient_id);
  }
  const Evaluated evaluated = evaluate(call, patient, policy::AddDocuments{documents, replaced});
  if (!evaluated.decision.allowed()) refuse(evaluated, store::TraceAction::Add, "");
  store::RecordStateStore(*pool_).touch_authorisation(patient, call.access->person_id);
  std::vector<store::Trace> traces;
  for (const auto& document : documents) {
    traces.push_back(
        trace_of(evaluated.actor, patient, store::TraceAction::Add, document.unique_id));
  }
  for (const auto& document : replaced) {
    traces.push_back(
        trace_of(evaluated.actor, patient, store::TraceAction::Replace, document.unique_id));
  }
  return traces;
}

std::optional<store::Trace> AccessControl::check_change(
    const CallContext& call, policy::DocumentChange change,
    const registry::DocumentEntry& target) const {
  if (!applies(call)) return std::nullopt;
  check_request_patient(call, target.patient_id);
  const Evaluated evaluated =
      evaluate(call, target.patient_id, policy::ChangeDocument{change, target});
  store::TraceAction action = store::TraceAction::UpdateMetadata;
  switch (change) {
    case policy::DocumentChange::Mask:
      action = store::TraceAction::Mask;
      break;
    case policy::DocumentChange::Unmask:
      action = store::TraceAction::Unmask;
      break;
    case policy::DocumentChange::MakeVisibleToPatient:
    case policy::DocumentChange::MakeVisibleToLegalRepresentatives:
      action = store::TraceAction::MakeVisible;
      break;
    case policy::DocumentChange::Archive:
      action = store::TraceAction::Archive;
      break;
    case policy::DocumentChange::Unarchive:
      action = store::TraceAction::Unarchive;
      break;
    case policy::DocumentChange::Delete:
      action = store::TraceAction::Delete;
      break;
    case policy::DocumentChange::Replace:
      action = store::TraceAction::Replace;
      break;
  }
  if (!evaluated.decision.allowed()) refuse(evaluated, action, target.unique_id);
  return trace_of(evaluated.actor, target.patient_id, action, target.unique_id);
}

void AccessControl::refuse_change(const CallContext& call, const registry::DocumentEntry& target,
                                  const policy::Refusal& refusal) const {
  Evaluated evaluated;
  evaluated.actor = actor_of(call);
  evaluated.patient_id = target.patient_id;
  evaluated.decision.refusal = refusal;
  refuse(evaluated, store::TraceAction::UpdateMetadata, target.unique_id);
}

store::Trace AccessControl::check_folder_change(const CallContext& call,
                                                const store::VersionedObject& folder,
                                                const std::string& what) const {
  check_request_patient(call, folder.patient_id);
  const Evaluated evaluated =
      evaluate(call, folder.patient_id, policy::ChangeFolder{folder.entry_uuid});
  // A Folder is no document: its uniqueId goes in the detail.
  const std::string detail = "Folder " + folder.unique_id + ": " + what;
  if (!evaluated.decision.allowed()) {
    refuse(evaluated, store::TraceAction::UpdateMetadata, "", detail);
  }
  store::RecordStateStore(*pool_).touch_authorisation(folder.patient_id, call.access->person_id);
  store::Trace trace =
      trace_of(evaluated.actor, folder.patient_id, store::TraceAction::UpdateMetadata, "");
  trace.detail = detail;
  return trace;
}

store::Trace AccessControl::check_association_change(const CallContext& call,
                                                     const std::string& patient_id,
                                                     const std::string& association_uuid,
                                                     const std::string& what) const {
  check_request_patient(call, patient_id);
  const Evaluated evaluated =
      evaluate(call, patient_id, policy::ChangeAssociation{association_uuid});
  const std::string detail = "Association " + association_uuid + ": " + what;
  if (!evaluated.decision.allowed()) {
    refuse(evaluated, store::TraceAction::UpdateMetadata, "", detail);
  }
  store::RecordStateStore(*pool_).touch_authorisation(patient_id, call.access->person_id);
  store::Trace trace =
      trace_of(evaluated.actor, patient_id, store::TraceAction::UpdateMetadata, "");
  trace.detail = detail;
  return trace;
}

void AccessControl::check_request_patient(const CallContext& call,
                                          const std::string& patient_id) const {
  try {
    soap::wss::check_patient(*call.access, patient_id);
  } catch (const Failure& mismatch) {
    // An identity refusal (dmp-xds-mapping.md §7), traced like the identity
    // step's on the VIHF's record: the one the caller was bound to.
    store::Trace trace =
        trace_of(actor_of(call), call.access->patient_id, store::TraceAction::Authenticate, "");
    trace.allowed = false;
    trace.reason_code = mismatch.error().code;
    trace.reason = mismatch.error().message;
    store::append_trace(*pool_, trace);
    throw;
  }
}

namespace {

// The DMP operations answer from the record state and the habilitation
// matrix, which only a profile with the access policy on provides (without
// it, as under ihe-test, there is nothing to answer from).
void require_vihf_and_policy(const CallContext& call, const registry::Profile* profile) {
  if (!call.access) {
    throw Failure(codes::kFailedAuthentication, "wsse:Security",
                  "this DMP operation needs a VIHF assertion");
  }
  if (profile == nullptr || !profile->access_policy) {
    throw Failure(kDmpOperationWithoutPolicy, "soap:Body",
                  "this DMP operation needs a profile with the access policy on (profile '" +
                      (profile == nullptr ? std::string() : profile->name) + "' has it off)");
  }
}

}  // namespace

AccessControl::RecordStatusAnswer AccessControl::record_status(
    const CallContext& call, const std::string& patient_id) const {
  require_vihf_and_policy(call, profile_.get());
  check_request_patient(call, patient_id);
  const soap::AccessContext& context = *call.access;
  const auto state = store::RecordStateStore(*pool_).access_state(patient_id, context.person_id,
                                                                  context.structure_id);
  const policy::RecordState record = record_state_of(state, patient_id);
  RecordStatusAnswer answer;
  answer.exists = state.has_value();
  answer.closed = record.status == policy::RecordStatus::Closed;
  answer.status = policy::authorisation_status(policy::Caller::professional(context), record,
                                               *matrix_, policy::Clock::now());
  if (answer.exists) {
    store::Trace trace = trace_of(actor_of(call), patient_id, store::TraceAction::RecordStatus, "");
    trace.detail = policy::to_string(answer.status.value);
    append({trace});
  }
  return answer;
}

void AccessControl::declare_consent(const CallContext& call, const std::string& patient_id,
                                    bool end) const {
  require_vihf_and_policy(call, profile_.get());
  check_request_patient(call, patient_id);
  const auto action = end ? store::TraceAction::EndAuthorisation : store::TraceAction::Authorise;
  const Evaluated evaluated = end ? evaluate(call, patient_id, policy::EndAuthorisation{})
                                  : evaluate(call, patient_id, policy::DeclareConsent{});
  if (!evaluated.decision.allowed()) refuse(evaluated, action, "");
  store::RecordStateStore states(*pool_);
  if (end) {
    states.end_authorisation(patient_id, call.access->person_id, evaluated.actor);
  } else {
    states.authorise(patient_id, call.access->person_id, call.access->person_id, evaluated.actor);
  }
}

void AccessControl::append(const std::vector<store::Trace>& traces) const {
  for (const auto& trace : traces) store::append_trace(*pool_, trace);
}

}  // namespace passerelle::gateway::access
