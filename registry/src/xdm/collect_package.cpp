// Export from the store: the objects and bytes of one document (with its
// lot's signature) or one lot, as the caller may see them.

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xdm.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "store/document_store_internal.hpp"

namespace passerelle::registry::xdm {
namespace {

std::string now_iso() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string set_of_unique_id(store::ConnectionPool& pool, const std::string& unique_id) {
  try {
    auto lease = pool.acquire();
    pqxx::read_transaction tx(*lease);
    const auto rows =
        tx.exec_params("SELECT entry_uuid FROM submission_sets WHERE unique_id = $1", unique_id);
    tx.commit();
    return rows.empty() ? "" : rows[0][0].as<std::string>();
  } catch (...) {
    store::detail::rethrow_as_registry_error(unique_id);
  }
}

struct Candidate {
  RegistryObject object;
  DocumentEntry entry;  // points into `object` once the candidate stops moving
  store::ExistingDocument stored;
};

struct Collector {
  Collector(store::ConnectionPool& pool, const ExportRequest& export_request)
      : store(pool), request(export_request) {}

  // The Approved, readable DocumentEntries of the set this repository holds.
  std::vector<Candidate> members(const std::string& set_uuid) {
    std::vector<std::string> targets;
    for (const auto& association : store.find_associations_of({set_uuid})) {
      if (association.source == set_uuid && association.type == vocab::kHasMember) {
        targets.push_back(association.target);
      }
    }
    std::vector<Candidate> out;
    std::vector<std::string> unique_ids;
    for (RegistryObject& object : store.load_objects(targets)) {
      if (object.kind != ObjectKind::ExtrinsicObject || object.status != vocab::kApproved) continue;
      unique_ids.push_back(read_document_entry(object).unique_id);
      out.push_back({std::move(object), {}, {}});
    }
    const auto hidden = hidden_of(unique_ids);
    std::map<std::string, store::ExistingDocument> stored;
    for (auto& document : store.find_documents_by_unique_id(unique_ids)) {
      if (document.has_content) stored.emplace(document.unique_id, std::move(document));
    }
    std::vector<Candidate> visible;
    for (Candidate& candidate : out) {
      const std::string id = read_document_entry(candidate.object).unique_id;
      const auto found = stored.find(id);
      if (found == stored.end() || hidden.count(id) != 0) continue;
      candidate.stored = found->second;
      visible.push_back(std::move(candidate));
    }
    return visible;
  }

  // The set that holds `entry_uuid` (its HasMember source), "" when none.
  std::string set_of_entry(const std::string& entry_uuid) {
    std::vector<std::string> sources;
    for (const auto& association : store.find_associations_of({entry_uuid})) {
      if (association.target == entry_uuid && association.type == vocab::kHasMember) {
        sources.push_back(association.source);
      }
    }
    for (const auto& object : store.find_objects(sources)) {
      if (object.kind == "SubmissionSet") return object.entry_uuid;
    }
    return "";
  }

  PackagedLot lot(const std::string& set_uuid, std::vector<Candidate> documents) {
    PackagedLot lot;
    lot.submission_set = store.load_objects({set_uuid}).at(0);
    std::set<std::string> packaged{set_uuid};
    for (Candidate& candidate : documents) {
      candidate.entry = read_document_entry(candidate.object);
      packaged.insert(candidate.object.id);
    }
    // Stable order: the documents by uniqueId, the lot's signature last.
    std::sort(documents.begin(), documents.end(), [](const Candidate& a, const Candidate& b) {
      return std::make_pair(is_lot_signature(a.entry), a.entry.unique_id) <
             std::make_pair(is_lot_signature(b.entry), b.entry.unique_id);
    });
    for (Candidate& candidate : documents) {
      PackagedDocument document{std::move(candidate.object), {}};
      if (!store.read_content(candidate.stored.repository_unique_id, candidate.stored.unique_id,
                              [&](std::string_view piece) { document.bytes.append(piece); })) {
        throw Failure(xds_codes::kDocumentUniqueIdError, candidate.stored.unique_id,
                      "no content for document '" + candidate.stored.unique_id + "'");
      }
      lot.documents.push_back(std::move(document));
    }
    std::vector<std::string> associations;
    const std::vector<std::string> ends(packaged.begin(), packaged.end());
    for (const auto& association : store.find_associations_of(ends)) {
      if (packaged.count(association.source) != 0 && packaged.count(association.target) != 0) {
        associations.push_back(association.entry_uuid);
      }
    }
    std::sort(associations.begin(), associations.end());
    lot.associations = store.load_objects(associations);
    return lot;
  }

  std::set<std::string> hidden_of(const std::vector<std::string>& unique_ids) {
    if (!request.hidden || unique_ids.empty()) return {};
    return request.hidden(unique_ids);
  }

  store::XdsStore store;
  const ExportRequest& request;
};

[[noreturn]] void unknown_document(const std::string& unique_id) {
  throw Failure(xds_codes::kDocumentUniqueIdError, unique_id,
                "no document with uniqueId '" + unique_id + "' to export");
}

PackagedLot document_lot(Collector& collector, const std::string& unique_id) {
  const store::ExistingDocument* document = nullptr;
  const auto found = collector.store.find_documents_by_unique_id({unique_id});
  for (const auto& candidate : found) {
    if (candidate.has_content && candidate.status != vocab::kDeleted) document = &candidate;
  }
  if (document == nullptr || collector.hidden_of({unique_id}).count(unique_id) != 0) {
    unknown_document(unique_id);
  }
  const std::string set_uuid = collector.set_of_entry(document->entry_uuid);
  if (set_uuid.empty()) unknown_document(unique_id);
  std::vector<Candidate> chosen;
  Candidate self{collector.store.load_objects({document->entry_uuid}).at(0), {}, *document};
  const bool self_is_signature = is_lot_signature(read_document_entry(self.object));
  chosen.push_back(std::move(self));
  if (!self_is_signature) {
    for (Candidate& member : collector.members(set_uuid)) {
      if (is_lot_signature(read_document_entry(member.object))) chosen.push_back(std::move(member));
    }
  }
  return collector.lot(set_uuid, std::move(chosen));
}

}  // namespace

Package collect_package(store::ConnectionPool& pool, const ExportRequest& request) {
  Collector collector(pool, request);
  Package package;
  package.created_at = now_iso();
  if (request.kind == ExportRequest::Kind::Document) {
    package.lots.push_back(document_lot(collector, request.unique_id));
    return package;
  }
  const std::string set_uuid = set_of_unique_id(pool, request.unique_id);
  std::vector<Candidate> members;
  if (!set_uuid.empty()) members = collector.members(set_uuid);
  // A lot none of whose documents the caller may read is not shown at all:
  // its metadata (title, authors) would say more than "nothing here".
  if (members.empty()) {
    throw Failure(xds_codes::kRegistryMetadataError, request.unique_id,
                  "no lot with uniqueId '" + request.unique_id + "' to export");
  }
  package.lots.push_back(collector.lot(set_uuid, std::move(members)));
  return package;
}

}  // namespace passerelle::registry::xdm
