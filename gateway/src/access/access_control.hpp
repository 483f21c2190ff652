#pragma once

// The DMP access policy (issue 6, docs/policy-enforcement.md) as the XDS
// handlers use it: one object per gateway, built once from the profile, the
// habilitation matrix and the store. It fetches the record state, asks the
// pure policy (gateway/policy) and writes the traces (R-TRACE-1); the
// handlers only say what is being done. When the profile's access_policy is
// off, or the request carried no VIHF (and the identity step let it through),
// nothing here applies and the handlers behave as a plain XDS.b actor.

#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "passerelle/gateway/router.hpp"
#include "passerelle/policy/decide.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/record_state.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/stored_query.hpp"
#include "passerelle/registry/traces.hpp"

namespace passerelle::gateway::access {

// What an allowed read lets the caller see.
struct ReadGrant {
  std::string patient_id;  // the VIHF's record
  policy::ReadFilter filter;
  store::TraceActor actor;
  registry::QueryVisibility visibility() const;
};

// A DMP operation (RecordStatus, DeclareConsent) sent to a gateway whose
// profile has the access policy off: a Sender fault, nothing done.
inline constexpr const char* kDmpOperationWithoutPolicy =
    "passerelle:DmpOperationWithoutAccessPolicy";

class AccessControl {
 public:
  AccessControl(std::shared_ptr<store::ConnectionPool> pool,
                std::shared_ptr<const registry::Profile> profile,
                std::shared_ptr<const policy::HabilitationMatrix> matrix);

  // The policy applies to this request: profile on and a verified VIHF.
  bool applies(const CallContext& call) const;

  // ITI-18 / ITI-43 (R-AUTH-*, R-READ-*). `request_patient` is the patient
  // the request names, "" when it names none; it must be the VIHF's
  // resource-id (soap::wss::check_patient's Failure otherwise). A refusal is
  // traced and thrown as Failure(refusal code, location, reason); an allowed
  // access is traced as `action` and touches the caller's authorisation.
  // nullopt when the policy does not apply.
  std::optional<ReadGrant> grant_read(const CallContext& call, const std::string& request_patient,
                                      store::TraceAction action) const;

  // ITI-43: the uniqueIds among `unique_ids` the grant does not let the
  // caller read (another record's, or hidden by the filter). The handler
  // answers them exactly as unknown ones (R-READ-1).
  std::set<std::string> hidden_documents(const ReadGrant& grant,
                                         const std::vector<std::string>& unique_ids) const;

  // Traces one retrieved document of an allowed read.
  void trace_document(const ReadGrant& grant, store::TraceAction action,
                      const std::string& document_unique_id) const;

  // ITI-41/42 (R-AUTH-*, R-DOC-3/4, R-SPEC-*): decided before anything is
  // stored. A refusal is traced and thrown (Failure as above). Allowed: the
  // traces of the lot, which the handler hands to the registry as its
  // before-commit hook (store::append_traces_hook) so that they commit with
  // the lot or not at all (R-TRACE-1).
  // `replaced`: the registered entries the lot replaces (RPLC, XFRM_RPLC),
  // each decided as DocumentChange::Replace (R-CHG-4).
  std::vector<store::Trace> check_add(const CallContext& call,
                                      std::span<const registry::DocumentEntry> documents,
                                      std::span<const registry::DocumentEntry> replaced = {}) const;
  // The registered DocumentEntries `entry_uuids` (others are skipped).
  std::vector<registry::DocumentEntry> registered_documents(
      const std::vector<std::string>& entry_uuids) const;

  // ITI-57 (R-CHG-*): one decision per change of `target`.
  // Returns the trace of the allowed change, to write in its transaction.
  std::optional<store::Trace> check_change(const CallContext& call, policy::DocumentChange change,
                                           const registry::DocumentEntry& target) const;
  // ITI-57 as sent (update_check.cpp): every DocumentEntry new version (its
  // confidentialityCode change, classify_confidentiality_update) and every
  // UpdateAvailabilityStatus of a DocumentEntry (classify_status_update),
  // each change decided with check_change; every Folder new version and
  // status change decided with check_folder_change; every association
  // between registered objects the request adds, and every association
  // status change, with check_association_change; all before the registry
  // changes anything. Returns the traces, to write in the update's
  // transaction (the registry's before-commit hook).
  std::vector<store::Trace> check_update(const CallContext& call,
                                         const registry::SubmitObjectsRequest& request) const;
  // ITI-57 on the registered Folder `folder` (policy::ChangeFolder): refused
  // as above (traced update_metadata), or the trace of the allowed change;
  // `what` says which change, for the trace's detail.
  store::Trace check_folder_change(const CallContext& call, const store::VersionedObject& folder,
                                   const std::string& what) const;
  // ITI-57 on an association of `patient_id`'s record
  // (policy::ChangeAssociation): a new association between registered
  // objects, or a status change of a registered one; refused or traced as
  // check_folder_change.
  store::Trace check_association_change(const CallContext& call, const std::string& patient_id,
                                        const std::string& association_uuid,
                                        const std::string& what) const;

  // urn:passerelle:dmp:RecordStatus (TD0.2) for the VIHF's record; traced.
  // Throws the Failure of soap::wss::check_patient on another patient, and
  // Failure(kMalformedEnvelope) when no VIHF was presented.
  struct RecordStatusAnswer {
    bool exists = false;
    bool closed = false;
    policy::AuthorisationStatus status;
  };
  RecordStatusAnswer record_status(const CallContext& call, const std::string& patient_id) const;
  // urn:passerelle:dmp:DeclareConsent: `end` false declares the patient's
  // consent (R-AUTH-1), true ends the caller's authorisation (R-AUTH-4).
  // Refusals are traced and thrown as in grant_read; the change is traced by
  // the record state store in its own transaction.
  void declare_consent(const CallContext& call, const std::string& patient_id, bool end) const;

  // Writes traces standalone (reads and refusals; changes are traced in
  // their own transaction).
  void append(const std::vector<store::Trace>& traces) const;

 private:
  struct Evaluated {
    policy::Decision decision;
    store::TraceActor actor;
    std::string patient_id;
    policy::RecordState record;
  };
  Evaluated evaluate(const CallContext& call, const std::string& patient_id,
                     const policy::Operation& operation) const;
  [[noreturn]] void refuse(const Evaluated& evaluated, store::TraceAction action,
                           const std::string& document_unique_id,
                           const std::string& detail = "") const;
  // The request's patient must be the VIHF's resource-id
  // (soap::wss::check_patient); a mismatch is an identity refusal, traced as
  // a refused `authenticate` on the VIHF's record, then rethrown.
  void check_request_patient(const CallContext& call, const std::string& patient_id) const;
  // A refusal found before the decision (an unsupported ITI-57 change).
  [[noreturn]] void refuse_change(const CallContext& call, const registry::DocumentEntry& target,
                                  const policy::Refusal& refusal) const;

  std::shared_ptr<store::ConnectionPool> pool_;
  std::shared_ptr<const registry::Profile> profile_;
  std::shared_ptr<const policy::HabilitationMatrix> matrix_;
};

// The record state the policy reads, from the store's one-query view.
policy::RecordState record_state_of(const std::optional<store::RecordAccessState>& state,
                                    const std::string& patient_id);

}  // namespace passerelle::gateway::access
