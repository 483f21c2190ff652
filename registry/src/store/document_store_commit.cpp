// XdsStore::commit_lot: one lot, one transaction.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "store/document_store_internal.hpp"

namespace passerelle::store {
namespace {

namespace vocab = registry::vocab;
using OptionalText = std::optional<std::string>;

// First key of the two-key advisory locks on uniqueIds ("XDSU"), apart from
// the single-key lock of schema migration.
constexpr std::int32_t kUniqueIdLockClass = 0x58445355;

OptionalText text_or_null(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return value;
}

OptionalText dtm_or_null(const std::string& value) {
  return text_or_null(detail::normalise_dtm(value));
}

OptionalText code_of(const std::optional<registry::Code>& code) {
  if (!code) return std::nullopt;
  return code->code;
}

OptionalText scheme_of(const std::optional<registry::Code>& code) {
  if (!code) return std::nullopt;
  return code->scheme;
}

std::vector<std::string> author_persons(const std::vector<registry::Author>& authors) {
  std::vector<std::string> persons;
  for (const auto& author : authors) {
    if (author.person && !author.person->empty()) persons.push_back(*author.person);
  }
  return persons;
}

// Locks every uniqueId of the lot for the rest of the transaction, in hash
// order so that two lots sharing uniqueIds wait for each other instead of
// deadlocking.
void lock_unique_ids(pqxx::work& tx, const registry::Submission& submission) {
  std::vector<std::string> unique_ids;
  for (const auto& document : submission.documents) unique_ids.push_back(document.unique_id);
  for (const auto& set : submission.submission_sets) unique_ids.push_back(set.unique_id);
  for (const auto& folder : submission.folders) unique_ids.push_back(folder.unique_id);
  if (unique_ids.empty()) return;
  const auto hashes = tx.exec_prepared("xds_unique_id_hashes", detail::text_array(unique_ids));
  for (const auto& row : hashes) {
    tx.exec_prepared("xds_lock_unique_id", kUniqueIdLockClass, row[0].as<std::int32_t>());
  }
}

// New entryUUID → logical id, for the ITI-57 new versions of the lot.
std::map<std::string, std::string> new_version_logical_ids(const Lot& lot) {
  std::map<std::string, std::string> logical_ids;
  for (const auto& version : lot.new_versions) logical_ids[version.entry_uuid] = version.logical_id;
  return logical_ids;
}

// A new version keeps the uniqueId of its logical object; no other object
// may hold it.
void check_version_unique_id(const pqxx::result& rows, const std::string& logical_id,
                             const std::string& entry_uuid, const std::string& unique_id) {
  for (const auto& row : rows) {
    if (row[1].as<std::string>() != logical_id) {
      throw Failure(xds_codes::kMetadataIdentifierError, entry_uuid,
                    "uniqueId " + unique_id + " belongs to another registered object");
    }
  }
}

// Returns new entryUUID → registered entryUUID for accepted resubmissions.
std::map<std::string, std::string> check_unique_ids(pqxx::work& tx, const Lot& lot) {
  const registry::Submission& submission = *lot.submission;
  const auto versions = new_version_logical_ids(lot);
  std::map<std::string, std::string> resubmitted;
  for (const auto& document : submission.documents) {
    const auto rows = tx.exec_prepared("xds_document_by_unique_id", document.unique_id);
    if (const auto version = versions.find(document.entry_uuid); version != versions.end()) {
      check_version_unique_id(rows, version->second, document.entry_uuid, document.unique_id);
      continue;
    }
    if (rows.empty()) continue;
    const auto registered_hash = rows[0][2].as<std::string>();
    if (detail::lower(registered_hash) != detail::lower(document.hash)) {
      throw Failure(
          xds_codes::kNonIdenticalHash, document.entry_uuid,
          "document uniqueId " + document.unique_id + " is registered already with another hash");
    }
    resubmitted[document.entry_uuid] = rows[0][0].as<std::string>();
  }
  for (const auto& set : submission.submission_sets) {
    if (!tx.exec_prepared("xds_set_by_unique_id", set.unique_id).empty()) {
      throw Failure(xds_codes::kDuplicateUniqueIdInRegistry, set.entry_uuid,
                    "submission set uniqueId " + set.unique_id + " is registered already");
    }
  }
  for (const auto& folder : submission.folders) {
    const auto rows = tx.exec_prepared("xds_folder_by_unique_id", folder.unique_id);
    if (const auto version = versions.find(folder.entry_uuid); version != versions.end()) {
      check_version_unique_id(rows, version->second, folder.entry_uuid, folder.unique_id);
      continue;
    }
    if (!rows.empty()) {
      throw Failure(xds_codes::kDuplicateUniqueIdInRegistry, folder.entry_uuid,
                    "folder uniqueId " + folder.unique_id + " is registered already");
    }
  }
  return resubmitted;
}

void check_new_entry_uuids(pqxx::work& tx, const registry::SubmitObjectsRequest& request,
                           const std::map<std::string, std::string>& resubmitted) {
  std::vector<std::string> uuids;
  for (const auto& object : request.objects) {
    if (!resubmitted.contains(object.id)) uuids.push_back(object.id);
  }
  if (uuids.empty()) return;
  const auto rows = tx.exec_prepared("xds_existing_uuids", detail::text_array(uuids));
  if (!rows.empty()) {
    const auto uuid = rows[0][0].as<std::string>();
    throw Failure(xds_codes::kRegistryMetadataError, uuid,
                  "an object with entryUUID " + uuid + " is registered already");
  }
}

// Registered objects the lot's associations point at must still be there at
// commit: the lock (KEY SHARE) keeps a concurrent ITI-62 removal from taking
// them away before the lot commits, and the check catches one that did.
void lock_association_ends(pqxx::work& tx, const Lot& lot) {
  std::set<std::string> own;
  for (const auto& object : lot.request->objects) own.insert(object.id);
  std::set<std::string> ends;
  for (const auto& association : lot.submission->associations) {
    for (const auto* end : {&association.source, &association.target}) {
      if (!own.contains(*end)) ends.insert(*end);
    }
  }
  if (ends.empty()) return;
  const std::vector<std::string> wanted(ends.begin(), ends.end());
  const auto rows = tx.exec_prepared("xds_lock_association_ends", detail::text_array(wanted));
  std::set<std::string> found;
  for (const auto& row : rows) found.insert(row[0].as<std::string>());
  for (const auto& end : wanted) {
    if (!found.contains(end)) {
      throw Failure(xds_codes::kRegistryMetadataError, end,
                    "association end " + end + " is no longer registered");
    }
  }
}

// Lot::deprecate: each must still be an Approved DocumentEntry when the lot
// commits (another lot may have replaced it meanwhile).
void deprecate(pqxx::work& tx, std::vector<std::string> uuids) {
  std::sort(uuids.begin(), uuids.end());
  uuids.erase(std::unique(uuids.begin(), uuids.end()), uuids.end());
  for (const auto& uuid : uuids) {
    const auto rows = tx.exec_prepared("xds_lock_object", uuid);
    if (rows.empty() || rows[0][0].as<std::string>() != detail::kKindDocument) {
      throw Failure(xds_codes::kRegistryMetadataError, uuid,
                    "no registered DocumentEntry " + uuid + " to replace");
    }
    if (rows[0][1].as<std::string>() != vocab::kApproved) {
      throw Failure(xds_codes::kRegistryDeprecatedDocumentError, uuid,
                    "DocumentEntry " + uuid + " is " + rows[0][1].as<std::string>() +
                        ", not Approved: it cannot be replaced");
    }
    tx.exec_prepared0("xds_deprecate_object", uuid, vocab::kDeprecated);
    tx.exec_prepared0("xds_deprecate_document", uuid, vocab::kDeprecated);
    detail::deprecate_dependents(tx, uuid);  // issue 5, CP-117
  }
}

struct Views {
  std::map<std::string, const registry::DocumentEntry*> documents;
  std::map<std::string, const registry::SubmissionSet*> sets;
  std::map<std::string, const registry::Folder*> folders;
  std::map<std::string, const registry::Association*> associations;
};

Views index(const registry::Submission& submission) {
  Views views;
  for (const auto& document : submission.documents)
    views.documents[document.entry_uuid] = &document;
  for (const auto& set : submission.submission_sets) views.sets[set.entry_uuid] = &set;
  for (const auto& folder : submission.folders) views.folders[folder.entry_uuid] = &folder;
  for (const auto& association : submission.associations) {
    views.associations[association.entry_uuid] = &association;
  }
  return views;
}

void insert_codes(pqxx::work& tx, const std::string& entry_uuid, const char* attribute,
                  const std::vector<registry::Code>& codes) {
  for (const auto& code : codes) {
    tx.exec_prepared0("xds_insert_code", entry_uuid, attribute, code.code, code.scheme);
  }
}

// g++ 12 at -O3 warns that the optional's payload may be used uninitialized
// once inlined into libpqxx's parameter packing: GCC bug 80635, a false
// positive for std::optional.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
void insert_document(pqxx::work& tx, const registry::DocumentEntry& d, const std::string& status,
                     const std::string& version) {
  const std::optional<std::int64_t> size =
      d.size ? std::optional<std::int64_t>(static_cast<std::int64_t>(*d.size)) : std::nullopt;
  tx.exec_prepared0(
      "xds_insert_document", d.entry_uuid, d.logical_id.empty() ? d.entry_uuid : d.logical_id,
      d.unique_id, d.patient_id, status,
      d.object_type == vocab::kOnDemandDocumentEntry ? "on-demand" : "stable",
      code_of(d.class_code), scheme_of(d.class_code), code_of(d.type_code), scheme_of(d.type_code),
      code_of(d.practice_setting_code), scheme_of(d.practice_setting_code),
      code_of(d.healthcare_facility_type_code), scheme_of(d.healthcare_facility_type_code),
      code_of(d.format_code), scheme_of(d.format_code), dtm_or_null(d.creation_time),
      dtm_or_null(d.service_start_time), dtm_or_null(d.service_stop_time), d.mime_type,
      detail::lower(d.hash), size, d.repository_unique_id,
      detail::text_array(author_persons(d.authors)), detail::text_array(d.reference_ids), version);
  insert_codes(tx, d.entry_uuid, "confidentialityCode", d.confidentiality_codes);
  insert_codes(tx, d.entry_uuid, "eventCodeList", d.event_codes);
}
#pragma GCC diagnostic pop

// Inserts the objects of the request (but the resubmitted documents) with
// their typed rows. Associations that point at a resubmitted document are
// stored pointing at the registered one.
void insert_objects(pqxx::work& tx, const Lot& lot,
                    const std::map<std::string, std::string>& resubmitted, std::int64_t lot_id) {
  const auto views = index(*lot.submission);
  const auto versions = new_version_logical_ids(lot);
  const auto follow = [&](const std::string& uuid) {
    const auto found = resubmitted.find(uuid);
    return found == resubmitted.end() ? uuid : found->second;
  };

  for (const auto& object : lot.request->objects) {
    if (resubmitted.contains(object.id)) continue;
    const std::string status = object.status.empty() ? vocab::kApproved : object.status;
    const std::string logical_id = object.lid.empty() ? object.id : object.lid;
    // The registry numbers versions: 1 for an original whatever VersionInfo
    // says, the number the transaction assigned for an ITI-57 new version.
    const std::string version =
        versions.contains(object.id) ? object.version_name.value_or("1") : std::string("1");

    std::string kind;
    OptionalText patient_id;
    OptionalText unique_id;
    std::string xml;
    if (const auto d = views.documents.find(object.id); d != views.documents.end()) {
      kind = detail::kKindDocument;
      patient_id = d->second->patient_id;
      unique_id = d->second->unique_id;
    } else if (const auto s = views.sets.find(object.id); s != views.sets.end()) {
      kind = detail::kKindSubmissionSet;
      patient_id = s->second->patient_id;
      unique_id = s->second->unique_id;
    } else if (const auto f = views.folders.find(object.id); f != views.folders.end()) {
      kind = detail::kKindFolder;
      patient_id = f->second->patient_id;
      unique_id = f->second->unique_id;
    } else if (object.kind == registry::ObjectKind::Association) {
      kind = detail::kKindAssociation;
      if (resubmitted.contains(object.source_object) ||
          resubmitted.contains(object.target_object)) {
        auto redirected = object;
        redirected.source_object = follow(object.source_object);
        redirected.target_object = follow(object.target_object);
        xml = registry::serialize(redirected);
      }
    } else if (object.kind == registry::ObjectKind::Classification) {
      // A top-level classification of a document not stored again goes too.
      if (object.classification && resubmitted.contains(object.classification->classified_object)) {
        continue;
      }
      kind = detail::kKindClassification;
    } else {
      kind = detail::kKindOther;
    }
    if (xml.empty()) xml = registry::serialize(object);

    tx.exec_prepared0("xds_insert_object", object.id, logical_id, kind, object.object_type, status,
                      patient_id, unique_id, version, xml, lot_id);

    if (const auto d = views.documents.find(object.id); d != views.documents.end()) {
      insert_document(tx, *d->second, status, version);
    } else if (const auto s = views.sets.find(object.id); s != views.sets.end()) {
      const auto& set = *s->second;
      tx.exec_prepared0("xds_insert_set", set.entry_uuid, set.unique_id, set.source_id,
                        set.patient_id, dtm_or_null(set.submission_time),
                        code_of(set.content_type_code), scheme_of(set.content_type_code),
                        detail::text_array(author_persons(set.authors)));
    } else if (const auto f = views.folders.find(object.id); f != views.folders.end()) {
      const auto& folder = *f->second;
      tx.exec_prepared0("xds_insert_folder", folder.entry_uuid, folder.unique_id, folder.patient_id,
                        dtm_or_null(folder.last_update_time));
      insert_codes(tx, folder.entry_uuid, "codeList", folder.codes);
    } else if (kind == detail::kKindAssociation) {
      const auto a = views.associations.find(object.id);
      const OptionalText set_status = a == views.associations.end()
                                          ? std::nullopt
                                          : text_or_null(a->second->submission_set_status);
      tx.exec_prepared0("xds_insert_association", object.id, object.association_type,
                        follow(object.source_object), follow(object.target_object), status,
                        set_status);
    }
  }
}

void insert_contents(pqxx::work& tx, const Lot& lot,
                     const std::map<std::string, std::string>& resubmitted) {
  for (const auto& [unique_id, content] : lot.contents) {
    const auto document = std::find_if(
        lot.submission->documents.begin(), lot.submission->documents.end(),
        [&](const registry::DocumentEntry& entry) { return entry.unique_id == unique_id; });
    if (document == lot.submission->documents.end()) {
      throw Failure(xds_codes::kRepositoryError, unique_id,
                    "content for uniqueId " + unique_id + " matches no DocumentEntry of the lot");
    }
    // A resubmitted document keeps the content stored the first time.
    if (resubmitted.contains(document->entry_uuid) &&
        !tx.exec_prepared("xds_content_id", document->repository_unique_id, unique_id).empty()) {
      continue;
    }
    detail::insert_content(tx, document->repository_unique_id, unique_id, content);
  }
}

}  // namespace

void XdsStore::commit_lot(const Lot& lot, const TransactionHook& before_commit) {
  if (lot.request == nullptr || lot.submission == nullptr) {
    throw Failure(xds_codes::kRegistryError, "lot", "lot without request or submission");
  }
  const auto& submission = *lot.submission;
  const std::string location =
      submission.submission_sets.empty() ? "lot" : submission.submission_sets.front().entry_uuid;
  try {
    auto lease = pool_.acquire();
    detail::prepare_statements(*lease);
    // Rolled back by its destructor unless committed: any exception below
    // leaves nothing stored.
    pqxx::work tx(*lease);
    lock_unique_ids(tx, submission);
    const auto resubmitted = check_unique_ids(tx, lot);
    check_new_entry_uuids(tx, *lot.request, resubmitted);
    lock_association_ends(tx, lot);
    deprecate(tx, lot.deprecate);
    detail::apply_new_versions(tx, lot);    // issue 5
    detail::apply_status_changes(tx, lot);  // issue 5
    const auto lot_id =
        tx.exec_prepared1("xds_insert_lot", text_or_null(location == "lot" ? "" : location))[0]
            .as<std::int64_t>();
    insert_objects(tx, lot, resubmitted, lot_id);
    insert_contents(tx, lot, resubmitted);
    // issue 5: memberships follow new objects; folders that gained one are updated.
    auto touched = detail::apply_propagations(tx, lot, lot_id);
    touched.insert(touched.end(), lot.touched_folders.begin(), lot.touched_folders.end());
    if (!touched.empty()) detail::touch_folders(tx, std::move(touched), lot.now_dtm);
    if (before_commit) before_commit(tx);  // ---- issue 6: the lot's traces (R-TRACE-1) ----
    tx.commit();
  } catch (...) {
    detail::rethrow_as_registry_error(location);
  }
}

}  // namespace passerelle::store
