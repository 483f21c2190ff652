#include "lot_registration.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <set>

#include "passerelle/registry/datatypes.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/validation.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace passerelle::registry::detail {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool replaces(const std::string& type) {
  return type == vocab::kReplace || type == vocab::kTransformReplace;
}

bool is_document_relationship(const std::string& type) {
  return replaces(type) || type == vocab::kTransform || type == vocab::kAppend ||
         type == vocab::kSigns;
}

// The registry's state checks: patient known, references resolvable,
// replaced documents replaceable, uniqueIds not already used differently.
std::vector<Error> check_against_registry(store::ConnectionPool& pool, const Profile& profile,
                                          const SubmitObjectsRequest& request,
                                          const Submission& submission, store::Lot& lot) {
  std::vector<Error> errors;
  const auto& set = submission.submission_sets.front();

  if (profile.require_patient_record) {
    store::RecordStore records(pool);
    const auto record = records.find(set.patient_id);
    if (!record) {
      errors.push_back({xds_codes::kUnknownPatientId, Severity::Error, set.entry_uuid,
                        "patientId: no record exists for patient '" + set.patient_id + "'"});
      return errors;
    }
    if (record->state != "open") {
      errors.push_back({xds_codes::kUnknownPatientId, Severity::Error, set.entry_uuid,
                        "patientId: the record of patient '" + set.patient_id +
                            "' is closed and accepts no documents"});
      return errors;
    }
  }

  store::XdsStore store(pool);
  const auto dangling = find_dangling_references(request);
  errors.insert(errors.end(), dangling.errors.begin(), dangling.errors.end());
  std::map<std::string, store::ExistingObject> existing;
  if (!dangling.uuids.empty()) {
    for (auto& object : store.find_objects(dangling.uuids)) {
      existing.emplace(object.entry_uuid, std::move(object));
    }
  }
  for (const auto& association : submission.associations) {
    for (const auto* end : {&association.source, &association.target}) {
      if (request.objects.end() !=
          std::find_if(request.objects.begin(), request.objects.end(),
                       [&](const RegistryObject& object) { return object.id == *end; })) {
        continue;
      }
      const auto found = existing.find(*end);
      if (found == existing.end() || found->second.status == vocab::kDeleted) {
        errors.push_back(
            {xds_codes::kRegistryMetadataError, Severity::Error, association.entry_uuid,
             "association: " +
                 std::string(end == &association.source ? "sourceObject" : "targetObject") + " '" +
                 *end + "' is neither in the submission nor in the registry"});
        continue;
      }
      const auto& target = found->second;
      if (!target.patient_id.empty() && target.patient_id != set.patient_id) {
        errors.push_back({xds_codes::kPatientIdDoesNotMatch, Severity::Error,
                          association.entry_uuid,
                          "association: '" + *end + "' belongs to another patient"});
        continue;
      }
      if (end == &association.target && is_document_relationship(association.type)) {
        if (target.kind != "DocumentEntry") {
          errors.push_back({xds_codes::kRegistryMetadataError, Severity::Error,
                            association.entry_uuid,
                            "association: target '" + *end + "' is not a DocumentEntry"});
        } else if (association.type != vocab::kSigns && target.status != vocab::kApproved) {
          // ITI TF-3 §4.2.2 (CP-117): only an Approved document is replaced,
          // transformed or appended to.
          errors.push_back({xds_codes::kRegistryDeprecatedDocumentError, Severity::Error,
                            association.entry_uuid,
                            "association: only an Approved DocumentEntry can be the target of " +
                                association.type.substr(association.type.rfind(':') + 1) + "; '" +
                                *end + "' is " + target.status});
        } else if (replaces(association.type)) {
          lot.deprecate.push_back(*end);
          // The replacement joins the folders of the document it replaces.
          lot.propagations.push_back({*end, association.source, false});
        }
      }
      // A registered Folder that gains a member is updated (lastUpdateTime).
      if (end == &association.source && association.type == vocab::kHasMember &&
          target.kind == "Folder") {
        if (target.status != vocab::kApproved) {
          errors.push_back({xds_codes::kRegistryMetadataError, Severity::Error,
                            association.entry_uuid,
                            "association: Folder '" + *end + "' is " + target.status +
                                " and accepts no new member"});
        } else {
          lot.touched_folders.push_back(*end);
        }
      }
    }
  }

  std::vector<std::string> unique_ids;
  for (const auto& document : submission.documents) unique_ids.push_back(document.unique_id);
  std::map<std::string, store::ExistingDocument> stored;
  for (auto& document : store.find_documents_by_unique_id(unique_ids)) {
    stored.emplace(document.unique_id, std::move(document));
  }
  for (const auto& document : submission.documents) {
    const auto found = stored.find(document.unique_id);
    if (found == stored.end()) continue;
    if (lower(found->second.hash) != lower(document.hash)) {
      errors.push_back(
          {xds_codes::kNonIdenticalHash, Severity::Error, document.entry_uuid,
           "uniqueId '" + document.unique_id + "' is already registered with another hash"});
    } else if (document.size && found->second.size != *document.size) {
      errors.push_back(
          {xds_codes::kNonIdenticalSize, Severity::Error, document.entry_uuid,
           "uniqueId '" + document.unique_id + "' is already registered with another size"});
    } else if (found->second.patient_id != document.patient_id) {
      errors.push_back(
          {xds_codes::kPatientIdDoesNotMatch, Severity::Error, document.entry_uuid,
           "uniqueId '" + document.unique_id + "' is already registered for another patient"});
    }
  }
  return errors;
}

}  // namespace

RegistryResponse internal_or_xds(const Error& error) {
  if ((error.code.rfind("XDS", 0) == 0 || error.code == xds_codes::kUnmodifiableMetadataError) &&
      error.code != xds_codes::kRegistryError) {
    return failure(error);
  }
  auto response = failure(Error{xds_codes::kRegistryError, Severity::Error,
                                error.location.empty() ? "registry" : error.location,
                                "internal registry error; nothing was stored"});
  response.internal_detail = error.code + " at " + error.location + ": " + error.message;
  return response;
}

RegistryResponse register_lot(store::ConnectionPool& pool, const Profile& profile,
                              SubmitObjectsRequest request, LotContents contents,
                              const store::TransactionHook& before_commit) {
  std::map<std::string, std::string> assigned;
  try {
    assigned = assign_uuids(request);
  } catch (const Failure& failure_) {
    return failure(failure_.error());
  }

  // The registry, not the client, decides status and folder update times.
  const std::string now = now_dtm();
  for (auto& object : request.objects) {
    if (object.kind == ObjectKind::ExtrinsicObject || object.kind == ObjectKind::RegistryPackage ||
        object.kind == ObjectKind::Association) {
      object.status = vocab::kApproved;
    }
    // An original is version 1 of its own logical object (ITI TF-3 §4.1.3.4;
    // NIST 15800, 21002, 21003 read both back).
    if (object.kind == ObjectKind::ExtrinsicObject || object.kind == ObjectKind::RegistryPackage) {
      // A symbolic lid naming the object itself follows its id.
      if (const auto it = assigned.find(object.lid); it != assigned.end()) object.lid = it->second;
      if (object.lid.empty()) object.lid = object.id;
      object.version_name = "1";
    }
  }

  Submission submission = read_submission(request);
  auto errors = validate_submission(request, submission, profile);
  if (!errors.empty()) return failure(std::move(errors));

  for (const auto& folder : submission.folders) {
    auto& object = *std::find_if(
        request.objects.begin(), request.objects.end(),
        [&](const RegistryObject& candidate) { return candidate.id == folder.entry_uuid; });
    set_slot(object, "lastUpdateTime", now);
  }
  submission = read_submission(request);

  try {
    store::Lot lot;
    errors = check_against_registry(pool, profile, request, submission, lot);
    if (!errors.empty()) return failure(std::move(errors));

    lot.request = &request;
    lot.submission = &submission;
    lot.contents = std::move(contents);
    lot.now_dtm = now;
    store::XdsStore(pool).commit_lot(lot, before_commit);
  } catch (const Failure& failure_) {
    return internal_or_xds(failure_.error());
  }
  return RegistryResponse{};
}

}  // namespace passerelle::registry::detail
