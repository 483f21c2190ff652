#pragma once

// XDS objects and document content in PostgreSQL. One call = one
// transaction: a lot is stored whole (metadata, content, status changes)
// or not at all.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/core/error.hpp"  // ITI-62 refusals (issue 5)
#include "passerelle/registry/content.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/traces.hpp"  // issue 6: TransactionHook

namespace passerelle::store {

// A validated lot with registry UUIDs assigned and repository attributes
// (hash, size, repositoryUniqueId) filled.
struct Lot {
  const registry::SubmitObjectsRequest* request = nullptr;
  const registry::Submission* submission = nullptr;
  // Content by DocumentEntry uniqueId; empty for ITI-42 (metadata only).
  std::vector<std::pair<std::string, registry::DocumentContent>> contents;
  // entryUUIDs of existing DocumentEntries the lot replaces (RPLC,
  // XFRM_RPLC): they become Deprecated in the same transaction.
  std::vector<std::string> deprecate;

  // ---- issue 5: lifecycle (registry/src/store/document_store_lifecycle.cpp) ----
  // ITI-57 new versions: at commit the prior version must still be the
  // latest of its logical id, at this version and status (else
  // Failure(XDSMetadataVersionError)); it becomes Deprecated.
  struct NewVersion {
    std::string entry_uuid;  // the new version, an object of the request
    std::string logical_id;
    std::string prior_entry_uuid;
    int prior_version = 0;
    std::string prior_status;
  };
  std::vector<NewVersion> new_versions;
  // ITI-57 UpdateAvailabilityStatus: the object must still be at `from`
  // (else Failure(XDSMetadataUpdateError)). `whole_logical_id` applies the
  // change to every version (Deleted: no version is served again).
  struct StatusChange {
    std::string entry_uuid;
    std::string from;
    std::string to;
    bool whole_logical_id = false;
  };
  std::vector<StatusChange> status_changes;
  // Folder memberships a new object inherits: for a DocumentEntry (RPLC,
  // ITI-57 update) every Approved Folder→`from` HasMember gets a twin
  // Folder→`to`; for a Folder (ITI-57 update) every Approved `from`→entry
  // HasMember gets a twin `to`→entry.
  struct Propagation {
    std::string from;
    std::string to;
    bool folder = false;
  };
  std::vector<Propagation> propagations;
  // Registered Folders that gain members in this lot: lastUpdateTime := now_dtm.
  std::vector<std::string> touched_folders;
  std::string now_dtm;  // YYYYMMDDhhmmss, UTC
  // ---- end issue 5 ----
};

// ---- issue 5: lifecycle ----
// One version of a registered DocumentEntry, Folder, SubmissionSet or
// Association (ITI-57 checks).
struct VersionedObject {
  std::string entry_uuid;
  std::string logical_id;
  std::string kind;
  std::string status;
  int version = 1;
  std::string patient_id;
  std::string unique_id;
  // DocumentEntry only:
  std::string hash;
  std::optional<std::int64_t> size;
  std::string repository_unique_id;
  std::string object_type;
};

struct ExistingAssociation {
  std::string entry_uuid;
  std::string type;
  std::string source;
  std::string target;
  std::string status;
};
// ---- end issue 5 ----

struct ExistingDocument {
  std::string entry_uuid;
  std::string unique_id;
  std::string patient_id;
  std::string status;
  std::string hash;  // lower case
  std::uint64_t size = 0;
  std::string repository_unique_id;
  std::string mime_type;
  bool has_content = false;  // stored by this repository
};

struct ExistingObject {
  std::string entry_uuid;
  std::string kind;        // "DocumentEntry", "SubmissionSet", "Folder", "Association"
  std::string patient_id;  // "" for associations
  std::string status;
};

class XdsStore {
 public:
  explicit XdsStore(ConnectionPool& pool) : pool_(pool) {}

  // Stores the lot in one transaction. Within it, under a lock per uniqueId
  // so concurrent lots cannot both insert one: a DocumentEntry whose
  // uniqueId exists with the same hash is an accepted resubmission (not
  // stored twice); with another hash → Failure(XDSNonIdenticalHash,
  // location = entry id); a SubmissionSet or Folder uniqueId that exists →
  // Failure(XDSDuplicateUniqueIdInRegistry). Database failures →
  // Failure(XDSRegistryError) and nothing is stored.
  // ---- issue 6: `before_commit` runs inside the lot's transaction just
  // before it commits (the lot's traces, R-TRACE-1: append_traces_hook); if
  // it throws, nothing is stored. ----
  void commit_lot(const Lot& lot, const TransactionHook& before_commit = {});

  std::vector<ExistingDocument> find_documents_by_unique_id(
      const std::vector<std::string>& unique_ids);
  std::vector<ExistingObject> find_objects(const std::vector<std::string>& entry_uuids);

  // Streams the stored content of a document into sink; false when this
  // repository holds no content for (repository, uniqueId).
  bool read_content(const std::string& repository_unique_id, const std::string& unique_id,
                    const std::function<void(std::string_view)>& sink);

  // Full stored objects, as registered (for stored queries and tests).
  std::vector<registry::RegistryObject> load_objects(const std::vector<std::string>& entry_uuids);

  // ---- issue 5: lifecycle ----
  // The highest version of each logical id; absent ids are left out.
  std::vector<VersionedObject> find_latest_versions(const std::vector<std::string>& logical_ids);
  // Registered objects by entryUUID; absent ids are left out.
  std::vector<VersionedObject> find_versioned(const std::vector<std::string>& entry_uuids);
  // Every association whose source or target is one of `entry_uuids`.
  std::vector<ExistingAssociation> find_associations_of(
      const std::vector<std::string>& entry_uuids);
  // ---- end issue 5 ----

  // ---- issue 5: ITI-62 ----
  // Removes the registered objects `entry_uuids` (DocumentEntries, Folders,
  // SubmissionSets, Associations; duplicates ignored) in one transaction,
  // under row locks, or nothing. Returns the refusals, all of one kind:
  // UnresolvedReferenceException (no such object) or XDSRegistryMetadataError
  // (not one of those kinds), else ReferencesExistException (an association
  // not removed points at it), else XDSUnreferencedObjectException (a
  // SubmissionSet left without members, or a member left in no
  // SubmissionSet); location = the object. Content stays in the repository.
  // Database failures → Failure(XDSRegistryError), nothing removed.
  std::vector<Error> remove_objects(const std::vector<std::string>& entry_uuids);
  // ---- end ITI-62 ----

  // Number of rows per table, for tests that check nothing was stored.
  struct Counts {
    std::int64_t objects = 0;
    std::int64_t documents = 0;
    std::int64_t contents = 0;
    std::int64_t content_bytes = 0;
  };
  Counts counts();

 private:
  ConnectionPool& pool_;
};

}  // namespace passerelle::store
