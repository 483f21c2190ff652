// ITI-57 Update Document Set (ITI TF-2b §3.57.4.1.3): new versions of
// DocumentEntries and Folders, availability status changes (with the DMP's
// Archived and Deleted, R-CHG-3/5) and associations between registered
// objects. The request is checked whole first — structure, then the
// registry's state — and committed in one transaction that re-checks the
// versions and statuses it read under lock.

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lot_registration.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/validation.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace passerelle::registry::detail {
namespace {

// Update DocumentEntry / Update Folder Metadata: an object of the request,
// target of a HasMember from the SubmissionSet carrying PreviousVersion.
struct VersionUpdate {
  RegistryObject* object = nullptr;
  std::string member_association;  // the SubmissionSet HasMember, for error locations
  bool folder = false;
  int previous_version = 0;
  bool propagate = true;  // AssociationPropagation, "yes" when absent
};

// UpdateAvailabilityStatus.
struct StatusUpdate {
  std::string association;
  std::string target;
  std::string from;
  std::string to;
};

struct Operations {
  std::vector<VersionUpdate> versions;
  std::vector<StatusUpdate> statuses;
  std::vector<const Association*> submitted_associations;  // SubmitAssociation
};

Error error(const char* code, std::string location, std::string message) {
  return Error{code, Severity::Error, std::move(location), std::move(message)};
}

// A slot that must hold exactly one value; nullopt (with an error) otherwise.
std::optional<std::string> single_value(const RegistryObject& object, const char* name,
                                        std::vector<Error>& errors, bool required) {
  std::vector<const Slot*> slots;
  for (const auto& slot : object.slots) {
    if (slot.name == name) slots.push_back(&slot);
  }
  if (slots.empty()) {
    if (required) {
      errors.push_back(error(xds_codes::kMetadataUpdateOperationError, object.id,
                             std::string(name) + ": required slot missing"));
    }
    return std::nullopt;
  }
  if (slots.size() > 1 || slots.front()->values.size() != 1) {
    errors.push_back(error(xds_codes::kMetadataUpdateOperationError, object.id,
                           std::string(name) + ": must hold exactly one value"));
    return std::nullopt;
  }
  return slots.front()->values.front();
}

std::optional<int> positive_integer(const std::string& text) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  const int value = std::stoi(text);
  return value > 0 ? std::optional<int>(value) : std::nullopt;
}

RegistryObject* find_object(SubmitObjectsRequest& request, const std::string& id) {
  const auto it = std::find_if(request.objects.begin(), request.objects.end(),
                               [&](const RegistryObject& object) { return object.id == id; });
  return it == request.objects.end() ? nullptr : &*it;
}

// The structure of the request: which operation each object belongs to.
// Errors here are XDSMetadataUpdateOperationError (but an initial version,
// XDSMetadataUpdateError): nothing is looked up.
Operations classify(SubmitObjectsRequest& request, const Submission& submission,
                    std::vector<Error>& errors) {
  Operations operations;
  const std::string& set = submission.submission_sets.front().entry_uuid;
  std::set<std::string> documents;
  std::set<std::string> folders;
  std::set<std::string> request_associations;
  for (const auto& d : submission.documents) documents.insert(d.entry_uuid);
  for (const auto& f : submission.folders) folders.insert(f.entry_uuid);
  for (const auto& a : submission.associations) request_associations.insert(a.entry_uuid);

  std::set<std::string> updated;      // DocumentEntries and Folders with an update
  std::set<std::string> set_members;  // associations the SubmissionSet HasMember
  for (const auto& a : submission.associations) {
    if (a.type != vocab::kHasMember || a.source != set) continue;
    if (request_associations.contains(a.target)) {
      set_members.insert(a.target);
      continue;
    }
    const bool is_document = documents.contains(a.target);
    if (!is_document && !folders.contains(a.target))
      continue;  // a Reference to a registered object
    const auto previous = single_value(*a.object, "PreviousVersion", errors, false);
    if (!previous) {
      if (a.object->slot("PreviousVersion") == nullptr) {
        errors.push_back(error(xds_codes::kMetadataUpdateOperationError, a.entry_uuid,
                               "HasMember to '" + a.target +
                                   "' has no PreviousVersion slot: ITI-57 carries new versions "
                                   "only; new objects go through ITI-41/42"));
      }
      continue;
    }
    const auto version = positive_integer(*previous);
    if (!version) {
      errors.push_back(error(xds_codes::kMetadataUpdateOperationError, a.entry_uuid,
                             "PreviousVersion: '" + *previous + "' is not a version number"));
      continue;
    }
    bool propagate = true;
    if (const auto value = single_value(*a.object, "AssociationPropagation", errors, false)) {
      if (*value != "yes" && *value != "no") {
        errors.push_back(error(xds_codes::kMetadataUpdateOperationError, a.entry_uuid,
                               "AssociationPropagation: '" + *value + "' is neither yes nor no"));
        continue;
      }
      propagate = *value == "yes";
    }
    if (!updated.insert(a.target).second) {
      errors.push_back(error(xds_codes::kMetadataUpdateOperationError, a.entry_uuid,
                             "'" + a.target + "' is the target of two updates"));
      continue;
    }
    operations.versions.push_back(
        {find_object(request, a.target), a.entry_uuid, !is_document, *version, propagate});
  }

  std::set<std::string> status_targets;
  for (const auto& a : submission.associations) {
    if (a.type == vocab::kUpdateAvailabilityStatus) {
      if (a.source != set) {
        errors.push_back(error(xds_codes::kMetadataUpdateOperationError, a.entry_uuid,
                               "UpdateAvailabilityStatus: sourceObject must be the SubmissionSet"));
        continue;
      }
      if (documents.contains(a.target) || folders.contains(a.target) ||
          request_associations.contains(a.target) || a.target == set) {
        errors.push_back(error(xds_codes::kMetadataUpdateOperationError, a.entry_uuid,
                               "UpdateAvailabilityStatus: targetObject must be a registered "
                               "object, not one of this request"));
        continue;
      }
      const auto from = single_value(*a.object, "OriginalStatus", errors, true);
      const auto to = single_value(*a.object, "NewStatus", errors, true);
      if (!from || !to) continue;
      if (!status_targets.insert(a.target).second) {
        errors.push_back(error(xds_codes::kMetadataUpdateOperationError, a.entry_uuid,
                               "two status updates of '" + a.target + "' in one request"));
        continue;
      }
      operations.statuses.push_back({a.entry_uuid, a.target, *from, *to});
      continue;
    }
    if (a.type == vocab::kHasMember && a.source == set) continue;
    if (!set_members.contains(a.entry_uuid)) {
      errors.push_back(error(xds_codes::kMetadataUpdateOperationError, a.entry_uuid,
                             "an association submitted with ITI-57 must be the target of a "
                             "HasMember from the SubmissionSet (Submit Association)"));
      continue;
    }
    operations.submitted_associations.push_back(&a);
  }

  for (const auto& d : submission.documents) {
    if (!updated.contains(d.entry_uuid)) continue;
    // ITI TF-2b §3.57.4.1.3.1: no initial version (lid missing or equal to
    // the entryUUID) in ITI-57; XDSMetadataUpdateError as the NIST testkit
    // (20000b) and its reference registry answer.
    if (d.object->lid.empty() || d.object->lid == d.entry_uuid) {
      errors.push_back(error(xds_codes::kMetadataUpdateError, d.entry_uuid,
                             "lid: a new version names the logicalId of the DocumentEntry it "
                             "updates, which differs from its own entryUUID"));
    }
  }
  for (const auto& f : submission.folders) {
    if (!updated.contains(f.entry_uuid)) continue;
    if (f.object->lid.empty() || f.object->lid == f.entry_uuid) {
      errors.push_back(error(xds_codes::kMetadataUpdateError, f.entry_uuid,
                             "lid: a new version names the logicalId of the Folder it updates, "
                             "which differs from its own entryUUID"));
    }
  }
  // ITI TF-2b §3.57.4.1.3.1 rule 13: one update per logical object.
  std::map<std::string, std::string> by_logical_id;
  for (const auto& version : operations.versions) {
    const auto [first, inserted] = by_logical_id.emplace(version.object->lid, version.object->id);
    if (!inserted) {
      errors.push_back(error(xds_codes::kMetadataUpdateOperationError, version.object->id,
                             "logicalId " + version.object->lid + " is updated twice (also by '" +
                                 first->second + "')"));
    }
  }
  return operations;
}

bool is_status(const std::string& status) {
  return status == vocab::kApproved || status == vocab::kDeprecated || status == vocab::kArchived ||
         status == vocab::kDeleted;
}

// The transitions of IHE (Approved⇄Deprecated) and of the DMP
// (Approved⇄Archived, R-CHG-3; anything but Deleted → Deleted, R-CHG-5).
bool allowed_transition(const std::string& from, const std::string& to) {
  if (from == to || from == vocab::kDeleted) return false;
  if (to == vocab::kDeleted) return true;
  if (from == vocab::kApproved) return to == vocab::kDeprecated || to == vocab::kArchived;
  return to == vocab::kApproved;  // from Deprecated or Archived
}

// Relationship and membership associations, not SubmissionSet bookkeeping
// nor status updates: what ties an object to others of its patient.
bool connects(const store::ExistingAssociation& association,
              const std::map<std::string, store::VersionedObject>& objects) {
  if (association.status != vocab::kApproved) return false;
  if (association.type == vocab::kUpdateAvailabilityStatus) return false;
  if (association.type == vocab::kHasMember) {
    const auto source = objects.find(association.source);
    return source != objects.end() && source->second.kind == "Folder";
  }
  return true;
}

class StateCheck {
 public:
  StateCheck(store::ConnectionPool& pool, const Profile& profile, SubmitObjectsRequest& request,
             const Submission& submission, Operations& operations, store::Lot& lot)
      : pool_(pool),
        profile_(profile),
        request_(request),
        submission_(submission),
        operations_(operations),
        lot_(lot),
        store_(pool) {}

  std::vector<Error> run() {
    load();
    check_new_entry_uuids();
    if (!errors_.empty()) return std::move(errors_);
    for (auto& version : operations_.versions) check_version(version);
    for (const auto& status : operations_.statuses) check_status(status);
    for (const auto* association : operations_.submitted_associations) {
      check_association(*association);
    }
    return std::move(errors_);
  }

 private:
  void load() {
    std::vector<std::string> logical_ids;
    std::vector<std::string> uuids;
    for (const auto& version : operations_.versions) logical_ids.push_back(version.object->lid);
    for (const auto& object : request_.objects) uuids.push_back(object.id);
    for (const auto& status : operations_.statuses) uuids.push_back(status.target);
    for (const auto* a : operations_.submitted_associations) {
      uuids.push_back(a->source);
      uuids.push_back(a->target);
    }
    for (auto& object : store_.find_versioned(uuids)) {
      registered_.emplace(object.entry_uuid, std::move(object));
    }
    for (const auto& [uuid, object] : registered_) {
      if (object.kind == "DocumentEntry" || object.kind == "Folder") {
        logical_ids.push_back(object.logical_id);
      }
    }
    for (auto& object : store_.find_latest_versions(logical_ids)) {
      latest_.emplace(object.logical_id, std::move(object));
    }
  }

  // A request object reusing a registered entryUUID: e.g. an original
  // resubmitted as its own update (NIST 20000b).
  void check_new_entry_uuids() {
    for (const auto& object : request_.objects) {
      if (registered_.contains(object.id)) {
        errors_.push_back(error(xds_codes::kMetadataUpdateError, object.id,
                                "entryUUID " + object.id +
                                    " is registered already: a new version needs a new entryUUID"));
      }
    }
  }

  const store::VersionedObject* visible(const std::string& uuid) const {
    const auto found = registered_.find(uuid);
    if (found == registered_.end() || found->second.status == vocab::kDeleted) return nullptr;
    return &found->second;
  }

  bool is_latest(const store::VersionedObject& object) const {
    const auto latest = latest_.find(object.logical_id);
    return latest != latest_.end() && latest->second.entry_uuid == object.entry_uuid;
  }

  void check_version(VersionUpdate& update) {
    RegistryObject& object = *update.object;
    const auto found = latest_.find(object.lid);
    const char* kind = update.folder ? "Folder" : "DocumentEntry";
    // No version to follow: PreviousVersion names none (NIST 15800b). The
    // RMU's XDSMetadataIdentifierError is not an ITI-57 code.
    if (found == latest_.end() || found->second.status == vocab::kDeleted) {
      errors_.push_back(error(xds_codes::kMetadataVersionError, object.id,
                              "lid: no registered " + std::string(kind) + " has logicalId " +
                                  object.lid + ": PreviousVersion " +
                                  std::to_string(update.previous_version) + " names no version"));
      return;
    }
    const auto& latest = found->second;
    if (latest.kind != kind) {
      errors_.push_back(
          error(xds_codes::kMetadataUpdateOperationError, object.id,
                "lid: logicalId " + object.lid + " names a " + latest.kind + ", not a " + kind));
      return;
    }
    if (latest.version != update.previous_version) {
      errors_.push_back(error(xds_codes::kMetadataVersionError, update.member_association,
                              "PreviousVersion " + std::to_string(update.previous_version) +
                                  " is not the latest version of " + object.lid + " (" +
                                  std::to_string(latest.version) + ")"));
      return;
    }
    if (latest.status != vocab::kApproved && latest.status != vocab::kArchived) {
      errors_.push_back(error(xds_codes::kMetadataUpdateError, object.id,
                              "the latest version of " + object.lid + " is " + latest.status +
                                  ": only Approved (or Archived) objects get new versions"));
      return;
    }
    const std::size_t before = errors_.size();
    std::string patient_id;
    if (update.folder) {
      const auto& folder = folder_of(object.id);
      check_same(object.id, "uniqueId", latest.unique_id, folder.unique_id,
                 xds_codes::kMetadataIdentifierError);
      patient_id = folder.patient_id;
    } else {
      const auto& document = document_of(object.id);
      check_same(object.id, "uniqueId", latest.unique_id, document.unique_id,
                 xds_codes::kMetadataIdentifierError);
      // When this repository holds the bytes, hash and size describe them and
      // cannot change; for a document stored elsewhere (ITI-42) they are the
      // source's claims, which ITI-57 may correct (NIST 15800, 15801, 15802b).
      if (holds_content(latest.unique_id)) {
        check_same(object.id, "hash", store_lower(latest.hash), store_lower(document.hash),
                   xds_codes::kUnmodifiableMetadataError);
        check_same(object.id, "size", latest.size ? std::to_string(*latest.size) : "",
                   document.size ? std::to_string(*document.size) : document.size_text,
                   xds_codes::kUnmodifiableMetadataError);
        check_same(object.id, "repositoryUniqueId", latest.repository_unique_id,
                   document.repository_unique_id, xds_codes::kUnmodifiableMetadataError);
      }
      check_same(object.id, "objectType", latest.object_type, object.object_type,
                 xds_codes::kUnmodifiableMetadataError);
      patient_id = document.patient_id;
    }
    if (patient_id != latest.patient_id) check_patient_change(object.id, latest, patient_id);
    if (errors_.size() != before) return;

    object.version_name = std::to_string(latest.version + 1);
    object.status = latest.status;
    if (update.folder) set_slot(object, "lastUpdateTime", lot_.now_dtm);
    lot_.new_versions.push_back(
        {object.id, object.lid, latest.entry_uuid, latest.version, latest.status});
    if (update.propagate)
      lot_.propagations.push_back({latest.entry_uuid, object.id, update.folder});
  }

  // ITI TF-2b §3.57.4.1.3.3.1.7 / .3.3.7: an object moves to another patient
  // only when nothing ties it to objects of its current one.
  void check_patient_change(const std::string& id, const store::VersionedObject& latest,
                            const std::string& patient_id) {
    const auto associations = store_.find_associations_of({latest.entry_uuid});
    std::vector<std::string> ends;
    for (const auto& a : associations) {
      ends.push_back(a.source);
      ends.push_back(a.target);
    }
    std::map<std::string, store::VersionedObject> objects;
    for (auto& object : store_.find_versioned(ends)) objects.emplace(object.entry_uuid, object);
    for (const auto& a : associations) {
      if (connects(a, objects)) {
        errors_.push_back(error(
            xds_codes::kPatientIdReconciliationError, id,
            "patientId: " + latest.logical_id + " is associated with other objects of patient '" +
                latest.patient_id + "' and cannot move to '" + patient_id + "'"));
        return;
      }
    }
    check_record(id, patient_id);
  }

  void check_record(const std::string& id, const std::string& patient_id) {
    if (!profile_.require_patient_record) return;
    const auto record = store::RecordStore(pool_).find(patient_id);
    if (!record || record->state != "open") {
      errors_.push_back(error(xds_codes::kUnknownPatientId, id,
                              "patientId: no open record exists for patient '" + patient_id + "'"));
    }
  }

  void check_status(const StatusUpdate& update) {
    const auto* target = visible(update.target);
    if (target == nullptr) {
      errors_.push_back(
          error(xds_codes::kMetadataUpdateError, update.association,
                "UpdateAvailabilityStatus: no registered object '" + update.target + "'"));
      return;
    }
    if (target->kind == "SubmissionSet") {
      errors_.push_back(error(xds_codes::kMetadataUpdateOperationError, update.association,
                              "UpdateAvailabilityStatus: the status of a SubmissionSet cannot "
                              "change"));
      return;
    }
    const bool association = target->kind == "Association";
    if (!association && !is_latest(*target)) {
      errors_.push_back(error(xds_codes::kMetadataUpdateError, update.association,
                              "UpdateAvailabilityStatus: '" + update.target +
                                  "' is not the most recent version of " + target->logical_id));
      return;
    }
    if (target->status != update.from) {
      errors_.push_back(error(xds_codes::kMetadataUpdateError, update.association,
                              "OriginalStatus " + update.from + " differs from the status of '" +
                                  update.target + "' (" + target->status + ")"));
      return;
    }
    const bool known =
        is_status(update.to) && (update.to == vocab::kApproved || update.to == vocab::kDeprecated ||
                                 (!association && profile_.lifecycle_statuses.contains(update.to)));
    if (!known || !allowed_transition(update.from, update.to)) {
      errors_.push_back(error(xds_codes::kMetadataUpdateOperationError, update.association,
                              "NewStatus: " + update.from + " → " + update.to +
                                  " is not a status change the " + profile_.name +
                                  " profile allows for a " + target->kind));
      return;
    }
    lot_.status_changes.push_back(
        {update.target, update.from, update.to, update.to == vocab::kDeleted});
  }

  void check_association(const Association& a) {
    const auto* source = end_of(a, a.source);
    const auto* target = end_of(a, a.target);
    if (source == nullptr || target == nullptr) return;
    const bool membership = a.type == vocab::kHasMember;
    const bool relationship = a.type == vocab::kAppend || a.type == vocab::kTransform ||
                              a.type == vocab::kSigns || a.type == vocab::kIsSnapshotOf;
    if (a.type == vocab::kReplace || a.type == vocab::kTransformReplace) {
      errors_.push_back(error(xds_codes::kMetadataUpdateOperationError, a.entry_uuid,
                              "a replacement comes with its new document (ITI-41/42), not as a "
                              "Submit Association"));
      return;
    }
    if ((membership && (source->kind != "Folder" || target->kind != "DocumentEntry")) ||
        (relationship && (source->kind != "DocumentEntry" || target->kind != "DocumentEntry")) ||
        (!membership && !relationship)) {
      errors_.push_back(error(
          xds_codes::kRegistryMetadataError, a.entry_uuid,
          "association: " + a.type + " cannot link a " + source->kind + " to a " + target->kind));
      return;
    }
    for (const auto* end : {source, target}) {
      if (end->status != vocab::kApproved) {
        errors_.push_back(error(xds_codes::kMetadataUpdateError, a.entry_uuid,
                                "association: '" + end->entry_uuid + "' is " + end->status +
                                    "; associations link Approved objects only"));
        return;
      }
    }
    if (source->patient_id != target->patient_id) {
      errors_.push_back(error(
          xds_codes::kPatientIdReconciliationError, a.entry_uuid,
          "association: '" + a.source + "' and '" + a.target + "' belong to different patients"));
      return;
    }
    for (const auto& existing : store_.find_associations_of({a.source})) {
      if (existing.type == a.type && existing.source == a.source && existing.target == a.target &&
          existing.status == vocab::kApproved) {
        errors_.push_back(error(xds_codes::kMetadataUpdateError, a.entry_uuid,
                                "association: the same " + a.type + " from '" + a.source +
                                    "' to '" + a.target + "' is registered already (" +
                                    existing.entry_uuid + ")"));
        return;
      }
    }
    if (membership) lot_.touched_folders.push_back(a.source);
  }

  // An association end: a registered object (not Deleted).
  const store::VersionedObject* end_of(const Association& a, const std::string& uuid) {
    const auto* object = visible(uuid);
    if (object == nullptr) {
      errors_.push_back(error(xds_codes::kMetadataUpdateError, a.entry_uuid,
                              "association: '" + uuid + "' is not a registered object"));
    }
    return object;
  }

  void check_same(const std::string& id, const char* attribute, const std::string& registered,
                  const std::string& sent, const char* code) {
    if (registered == sent) return;
    errors_.push_back(error(code, id,
                            std::string(attribute) + ": cannot change in a metadata update ('" +
                                registered + "' registered, '" + sent + "' sent)"));
  }

  bool holds_content(const std::string& unique_id) {
    const auto documents = store_.find_documents_by_unique_id({unique_id});
    return std::any_of(documents.begin(), documents.end(),
                       [](const store::ExistingDocument& d) { return d.has_content; });
  }

  static std::string store_lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
  }

  const DocumentEntry& document_of(const std::string& id) const {
    return *std::find_if(submission_.documents.begin(), submission_.documents.end(),
                         [&](const DocumentEntry& d) { return d.entry_uuid == id; });
  }
  const Folder& folder_of(const std::string& id) const {
    return *std::find_if(submission_.folders.begin(), submission_.folders.end(),
                         [&](const Folder& f) { return f.entry_uuid == id; });
  }

  store::ConnectionPool& pool_;
  const Profile& profile_;
  SubmitObjectsRequest& request_;
  const Submission& submission_;
  Operations& operations_;
  store::Lot& lot_;
  store::XdsStore store_;
  std::map<std::string, store::VersionedObject> registered_;  // by entryUUID
  std::map<std::string, store::VersionedObject> latest_;      // by logicalId
  std::vector<Error> errors_;
};

// The Metadata Update supplement's Submit Association trigger, a
// SubmissionSet → new association of type SubmitAssociation (NIST 20001,
// 21004), is read as the SubmissionSet HasMember of that association that
// the registry stores (docs/lifecycle.md), as the toolkit's registry does.
void read_submit_association_triggers(SubmitObjectsRequest& request) {
  constexpr std::string_view kSubmitAssociation =
      "urn:ihe:iti:2010:AssociationType:SubmitAssociation";
  std::set<std::string> associations;
  for (const auto& object : request.objects) {
    if (object.kind == ObjectKind::Association) associations.insert(object.id);
  }
  for (auto& object : request.objects) {
    if (object.kind == ObjectKind::Association && object.association_type == kSubmitAssociation &&
        associations.contains(object.target_object)) {
      object.association_type = vocab::kHasMember;
    }
  }
}

}  // namespace

RegistryResponse update_document_set(store::ConnectionPool& pool, const Profile& profile,
                                     SubmitObjectsRequest request,
                                     const store::TransactionHook& before_commit) {
  try {
    assign_uuids(request);
  } catch (const Failure& failure_) {
    return failure(failure_.error());
  }
  read_submit_association_triggers(request);
  for (auto& object : request.objects) {
    if (object.kind == ObjectKind::RegistryPackage || object.kind == ObjectKind::Association ||
        object.kind == ObjectKind::ExtrinsicObject) {
      object.status = vocab::kApproved;
    }
  }
  Submission submission = read_submission(request);
  auto errors = validate_submission(request, submission, profile, SubmissionKind::MetadataUpdate);
  // The operations' own errors are reported with the metadata's when the
  // request has its one SubmissionSet to classify them by.
  if (submission.submission_sets.size() != 1) return failure(std::move(errors));
  Operations operations = classify(request, submission, errors);
  if (!errors.empty()) return failure(std::move(errors));
  if (operations.versions.empty() && operations.statuses.empty() &&
      operations.submitted_associations.empty()) {
    return failure(error(xds_codes::kMetadataUpdateOperationError,
                         submission.submission_sets.front().entry_uuid,
                         "the request holds no update operation"));
  }

  try {
    store::Lot lot;
    lot.now_dtm = now_dtm();
    errors = StateCheck(pool, profile, request, submission, operations, lot).run();
    if (!errors.empty()) return failure(std::move(errors));
    // The checks set versions, statuses and folder times on the objects.
    submission = read_submission(request);
    lot.request = &request;
    lot.submission = &submission;
    store::XdsStore(pool).commit_lot(lot, before_commit);
  } catch (const Failure& failure_) {
    return internal_or_xds(failure_.error());
  }
  return RegistryResponse{};
}

}  // namespace passerelle::registry::detail
