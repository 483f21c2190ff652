// ITI-57 under the access policy (issue 6, docs/policy-enforcement.md): what
// an Update Document Set request changes, read from the request and the
// registered objects, each change decided before the registry changes
// anything (R-CHG-*, R-AUTH-7).

#include "access/access_control.hpp"
#include "passerelle/registry/vocabulary.hpp"

namespace passerelle::gateway::access {
namespace {

std::string first_value(const registry::RegistryObject& object, const char* name) {
  const auto* slot = object.slot(name);
  return slot == nullptr || slot->values.empty() ? std::string() : slot->values.front();
}

// "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved" → "Approved".
std::string short_status(const std::string& status) { return status.substr(status.rfind(':') + 1); }

}  // namespace

std::vector<store::Trace> AccessControl::check_update(
    const CallContext& call, const registry::SubmitObjectsRequest& request) const {
  std::vector<store::Trace> traces;
  if (!applies(call)) return traces;
  const auto submission = registry::read_submission(request);
  store::XdsStore store(*pool_);
  const auto registered =
      [&](const std::string& entry_uuid) -> std::optional<registry::DocumentEntry> {
    for (const auto& object : store.load_objects({entry_uuid})) {
      if (object.kind == registry::ObjectKind::ExtrinsicObject) {
        return registry::read_document_entry(object);
      }
    }
    return std::nullopt;
  };
  const auto folder_of =
      [](std::vector<store::VersionedObject> found) -> std::optional<store::VersionedObject> {
    if (found.empty() || found.front().kind != "Folder") return std::nullopt;
    return std::move(found.front());
  };
  const auto decide_all = [&](const policy::ChangeSet& changes,
                              const registry::DocumentEntry& target) {
    if (changes.refusal) refuse_change(call, target, *changes.refusal);
    for (const auto change : changes.changes) {
      if (auto trace = check_change(call, change, target)) traces.push_back(std::move(*trace));
    }
  };
  // The record of a registered object, "" when none of them is registered
  // (new objects of the request are decided with the request's documents).
  const auto record_of = [&](const std::vector<std::string>& entry_uuids) {
    for (const auto& object : store.find_versioned(entry_uuids)) {
      if (!object.patient_id.empty()) return object.patient_id;
    }
    return std::string();
  };
  const std::string set_uuid =
      submission.submission_sets.empty() ? "" : submission.submission_sets.front().entry_uuid;
  for (const auto& association : submission.associations) {
    if (association.type != registry::vocab::kUpdateAvailabilityStatus) {
      // The set's own members are the request's objects; any other new
      // association links registered objects (Submit Association).
      if (association.source == set_uuid) continue;
      if (const auto patient = record_of({association.source, association.target});
          !patient.empty()) {
        traces.push_back(check_association_change(call, patient, association.entry_uuid,
                                                  "new " + short_status(association.type)));
      }
      continue;
    }
    const std::string from = first_value(*association.object, "OriginalStatus");
    const std::string to = first_value(*association.object, "NewStatus");
    if (const auto target = registered(association.target)) {
      decide_all(policy::classify_status_update(from, to, association.entry_uuid), *target);
    } else if (const auto folder = folder_of(store.find_versioned({association.target}))) {
      traces.push_back(check_folder_change(
          call, *folder, "status " + short_status(from) + " -> " + short_status(to)));
    } else {
      // A registered association: its record is that of its ends.
      for (const auto& object : store.load_objects({association.target})) {
        if (object.kind != registry::ObjectKind::Association) continue;
        if (const auto patient = record_of({object.source_object, object.target_object});
            !patient.empty()) {
          traces.push_back(
              check_association_change(call, patient, association.target,
                                       "status " + short_status(from) + " -> " + short_status(to)));
        }
      }
    }
    // Anything else: the registry answers the unknown or unchangeable target.
  }
  for (const auto& document : submission.documents) {
    if (document.logical_id.empty() || document.logical_id == document.entry_uuid) continue;
    const auto latest = store.find_latest_versions({document.logical_id});
    if (latest.empty()) continue;  // the registry answers an unknown logical id
    const auto prior = registered(latest.front().entry_uuid);
    if (!prior) continue;
    const auto record = record_state_of(
        store::RecordStateStore(*pool_).access_state(prior->patient_id, ""), prior->patient_id);
    const bool representatives =
        record.legal_representative.has_value() || policy::is_minor(record, policy::Clock::now());
    decide_all(policy::classify_confidentiality_update(prior->confidentiality_codes,
                                                       document.confidentiality_codes,
                                                       representatives, document.entry_uuid),
               *prior);
  }
  for (const auto& folder : submission.folders) {
    const std::string& logical_id = folder.object->lid;
    if (logical_id.empty() || logical_id == folder.entry_uuid) continue;
    if (const auto prior = folder_of(store.find_latest_versions({logical_id}))) {
      traces.push_back(check_folder_change(call, *prior, "new version"));
    }
  }
  return traces;
}

}  // namespace passerelle::gateway::access
