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

#include "passerelle/registry/content.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/store.hpp"

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
};

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
  void commit_lot(const Lot& lot);

  std::vector<ExistingDocument> find_documents_by_unique_id(
      const std::vector<std::string>& unique_ids);
  std::vector<ExistingObject> find_objects(const std::vector<std::string>& entry_uuids);

  // Streams the stored content of a document into sink; false when this
  // repository holds no content for (repository, uniqueId).
  bool read_content(const std::string& repository_unique_id, const std::string& unique_id,
                    const std::function<void(std::string_view)>& sink);

  // Full stored objects, as registered (for stored queries and tests).
  std::vector<registry::RegistryObject> load_objects(const std::vector<std::string>& entry_uuids);

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
