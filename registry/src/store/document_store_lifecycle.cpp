// The lifecycle part of the document store (issue 5): versions, status
// changes, folder memberships that follow new objects, folder update times.
// Lookups run in their own read transaction; the apply_* functions run
// inside XdsStore::commit_lot's transaction.

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "store/document_store_internal.hpp"

namespace passerelle::store {
namespace {

namespace vocab = registry::vocab;

// Versions are written by the registry only ("1", then +1 per ITI-57
// update), so the cast cannot fail on rows it wrote; the guard keeps a
// hand-edited row from failing every lookup.
constexpr const char* kVersionNumber =
    "CASE WHEN o.version ~ '^[0-9]{1,9}$' THEN o.version::integer ELSE 1 END";

std::string versioned_select(const std::string& where, const std::string& order) {
  return std::string("SELECT o.entry_uuid, o.logical_id, o.kind, o.status, ") + kVersionNumber +
         ", coalesce(o.patient_id, ''), coalesce(o.unique_id, ''), coalesce(d.hash, ''), d.size, "
         "coalesce(d.repository_unique_id, ''), o.object_type "
         "FROM registry_objects o LEFT JOIN document_entries d ON d.entry_uuid = o.entry_uuid "
         "WHERE o.kind IN ('DocumentEntry', 'Folder', 'SubmissionSet', 'Association') AND " +
         where + order;
}

VersionedObject versioned_from(const pqxx::row& row) {
  VersionedObject object;
  object.entry_uuid = row[0].as<std::string>();
  object.logical_id = row[1].as<std::string>();
  object.kind = row[2].as<std::string>();
  object.status = row[3].as<std::string>();
  object.version = row[4].as<int>();
  object.patient_id = row[5].as<std::string>();
  object.unique_id = row[6].as<std::string>();
  object.hash = row[7].as<std::string>();
  if (!row[8].is_null()) object.size = row[8].as<std::int64_t>();
  object.repository_unique_id = row[9].as<std::string>();
  object.object_type = row[10].as<std::string>();
  return object;
}

std::vector<std::string> sorted_distinct(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

void set_status(pqxx::work& tx, const std::string& entry_uuid, const std::string& status) {
  tx.exec_prepared0("xds_set_object_status", entry_uuid, status);
  tx.exec_prepared0("xds_set_document_status", entry_uuid, status);
  tx.exec_prepared0("xds_set_association_status", entry_uuid, status);
}

// A HasMember from a Folder the registry itself creates (propagation).
void insert_membership(pqxx::work& tx, const std::string& folder, const std::string& member,
                       std::int64_t lot_id) {
  registry::RegistryObject association;
  association.kind = registry::ObjectKind::Association;
  association.element_name = "Association";
  association.id = registry::new_uuid_urn();
  association.object_type = vocab::kAssociationType;
  association.association_type = vocab::kHasMember;
  association.source_object = folder;
  association.target_object = member;
  association.status = vocab::kApproved;
  tx.exec_prepared0("xds_insert_object", association.id, association.id, detail::kKindAssociation,
                    association.object_type, vocab::kApproved, std::optional<std::string>(),
                    std::optional<std::string>(), "1", registry::serialize(association), lot_id);
  tx.exec_prepared0("xds_insert_association", association.id, vocab::kHasMember, folder, member,
                    vocab::kApproved, std::optional<std::string>());
}

// Stored objects are whole rim:* elements declaring their namespaces; the
// same envelope as XdsStore::load_objects makes one parseable request.
registry::RegistryObject parse_stored(const std::string& object_xml) {
  const std::string envelope = std::string("<lcm:SubmitObjectsRequest xmlns:lcm=\"") +
                               registry::ns::kLcm + "\" xmlns:rim=\"" + registry::ns::kRim +
                               "\"><rim:RegistryObjectList>" + object_xml +
                               "</rim:RegistryObjectList></lcm:SubmitObjectsRequest>";
  const auto document = xml::parse(envelope, {}, "stored object");
  auto parsed = registry::parse_submit_objects(document.root());
  if (parsed.objects.size() != 1) {
    throw Failure(xds_codes::kRegistryError, "stored object", "a stored object did not parse back");
  }
  return std::move(parsed.objects.front());
}

}  // namespace

namespace detail {

void prepare_lifecycle_statements(pqxx::connection& c) {
  c.prepare("xds_latest_versions",
            versioned_select("o.logical_id = ANY ($1::text[])",
                             std::string(" ORDER BY o.logical_id, ") + kVersionNumber + " DESC"));
  c.prepare("xds_versioned", versioned_select("o.entry_uuid = ANY ($1::text[])", ""));
  c.prepare("xds_associations_of",
            "SELECT entry_uuid, type, source, target, status FROM associations "
            "WHERE source = ANY ($1::text[]) OR target = ANY ($1::text[])");
  c.prepare("xds_lock_latest_version",
            std::string("SELECT o.entry_uuid, o.status, ") + kVersionNumber +
                " FROM registry_objects o WHERE o.logical_id = $1 ORDER BY " + kVersionNumber +
                " DESC LIMIT 1 FOR UPDATE");
  c.prepare("xds_lock_association_ends",
            "SELECT entry_uuid FROM registry_objects WHERE entry_uuid = ANY ($1::text[]) "
            "ORDER BY entry_uuid FOR KEY SHARE");
  c.prepare("xds_logical_id_of", "SELECT logical_id FROM registry_objects WHERE entry_uuid = $1");
  c.prepare("xds_lock_logical_id",
            "SELECT entry_uuid FROM registry_objects WHERE logical_id = $1 ORDER BY entry_uuid "
            "FOR UPDATE");
  c.prepare("xds_set_object_status",
            "UPDATE registry_objects SET status = $2 WHERE entry_uuid = $1");
  c.prepare("xds_set_document_status",
            "UPDATE document_entries SET status = $2 WHERE entry_uuid = $1");
  c.prepare("xds_set_association_status",
            "UPDATE associations SET status = $2 WHERE entry_uuid = $1");
  c.prepare(
      "xds_folder_memberships_of",
      "SELECT a.source FROM associations a JOIN registry_objects f ON f.entry_uuid = a.source "
      "WHERE a.target = $1 AND a.type = $2 AND a.status = $3 AND f.kind = 'Folder' "
      "ORDER BY a.source");
  c.prepare(
      "xds_folder_members",
      "SELECT a.target FROM associations a JOIN registry_objects d ON d.entry_uuid = a.target "
      "WHERE a.source = $1 AND a.type = $2 AND a.status = $3 AND d.kind = 'DocumentEntry' "
      "ORDER BY a.target");
  c.prepare("xds_dependents_of",
            "SELECT d.entry_uuid FROM associations a JOIN document_entries d "
            "ON d.entry_uuid = a.source WHERE a.target = $1 AND a.type IN ($2, $3) "
            "AND a.status = $4 AND d.status = $4 ORDER BY d.entry_uuid FOR UPDATE OF d");
  c.prepare("xds_lock_folder_xml",
            "SELECT object_xml FROM registry_objects WHERE entry_uuid = $1 AND kind = 'Folder' "
            "FOR UPDATE");
  c.prepare("xds_set_folder_update_time",
            "UPDATE folders SET last_update_time = $2 WHERE entry_uuid = $1");
  c.prepare("xds_set_object_xml",
            "UPDATE registry_objects SET object_xml = $2 WHERE entry_uuid = $1");
}

void deprecate_dependents(pqxx::work& tx, const std::string& entry_uuid) {
  std::vector<std::string> pending{entry_uuid};
  std::set<std::string> seen{entry_uuid};
  while (!pending.empty()) {
    const std::string current = pending.back();
    pending.pop_back();
    for (const auto& row : tx.exec_prepared("xds_dependents_of", current, vocab::kAppend,
                                            vocab::kTransform, vocab::kApproved)) {
      const auto dependent = row[0].as<std::string>();
      if (!seen.insert(dependent).second) continue;
      set_status(tx, dependent, vocab::kDeprecated);
      pending.push_back(dependent);
    }
  }
}

void apply_new_versions(pqxx::work& tx, const Lot& lot) {
  auto versions = lot.new_versions;
  // Logical id order: two updates touching the same objects lock alike.
  std::sort(versions.begin(), versions.end(),
            [](const auto& a, const auto& b) { return a.logical_id < b.logical_id; });
  for (const auto& version : versions) {
    const auto rows = tx.exec_prepared("xds_lock_latest_version", version.logical_id);
    if (rows.empty() || rows[0][0].as<std::string>() != version.prior_entry_uuid ||
        rows[0][1].as<std::string>() != version.prior_status ||
        rows[0][2].as<int>() != version.prior_version) {
      throw Failure(xds_codes::kMetadataVersionError, version.entry_uuid,
                    "version " + std::to_string(version.prior_version) + " of logical id " +
                        version.logical_id +
                        " is no longer the latest: another update was committed meanwhile");
    }
    set_status(tx, version.prior_entry_uuid, vocab::kDeprecated);
  }
}

void apply_status_changes(pqxx::work& tx, const Lot& lot) {
  auto changes = lot.status_changes;
  std::sort(changes.begin(), changes.end(),
            [](const auto& a, const auto& b) { return a.entry_uuid < b.entry_uuid; });
  for (const auto& change : changes) {
    const auto rows = tx.exec_prepared("xds_lock_object", change.entry_uuid);
    if (rows.empty() || rows[0][1].as<std::string>() != change.from) {
      throw Failure(xds_codes::kMetadataUpdateError, change.entry_uuid,
                    "the status of " + change.entry_uuid + " changed meanwhile; it is no longer " +
                        change.from);
    }
    if (!change.whole_logical_id) {
      set_status(tx, change.entry_uuid, change.to);
      continue;
    }
    const auto logical = tx.exec_prepared1("xds_logical_id_of", change.entry_uuid);
    for (const auto& row : tx.exec_prepared("xds_lock_logical_id", logical[0].as<std::string>())) {
      set_status(tx, row[0].as<std::string>(), change.to);
    }
  }
}

std::vector<std::string> apply_propagations(pqxx::work& tx, const Lot& lot, std::int64_t lot_id) {
  std::vector<std::string> touched;
  for (const auto& propagation : lot.propagations) {
    if (propagation.folder) {
      for (const auto& row : tx.exec_prepared("xds_folder_members", propagation.from,
                                              vocab::kHasMember, vocab::kApproved)) {
        insert_membership(tx, propagation.to, row[0].as<std::string>(), lot_id);
      }
      continue;
    }
    for (const auto& row : tx.exec_prepared("xds_folder_memberships_of", propagation.from,
                                            vocab::kHasMember, vocab::kApproved)) {
      const auto folder = row[0].as<std::string>();
      insert_membership(tx, folder, propagation.to, lot_id);
      touched.push_back(folder);
    }
  }
  return touched;
}

void touch_folders(pqxx::work& tx, std::vector<std::string> folders, const std::string& now_dtm) {
  for (const auto& folder : sorted_distinct(std::move(folders))) {
    const auto rows = tx.exec_prepared("xds_lock_folder_xml", folder);
    if (rows.empty()) continue;  // a Folder of this lot: its time is set already
    auto object = parse_stored(rows[0][0].as<std::string>());
    auto slot = std::find_if(object.slots.begin(), object.slots.end(),
                             [](const registry::Slot& s) { return s.name == "lastUpdateTime"; });
    if (slot == object.slots.end()) {
      object.slots.push_back(registry::Slot{"lastUpdateTime", "", {now_dtm}});
    } else {
      slot->values = {now_dtm};
    }
    tx.exec_prepared0("xds_set_object_xml", folder, registry::serialize(object));
    tx.exec_prepared0("xds_set_folder_update_time", folder, normalise_dtm(now_dtm));
  }
}

}  // namespace detail

std::vector<VersionedObject> XdsStore::find_latest_versions(
    const std::vector<std::string>& logical_ids) {
  std::vector<VersionedObject> objects;
  if (logical_ids.empty()) return objects;
  try {
    auto lease = pool_.acquire();
    detail::prepare_statements(*lease);
    pqxx::read_transaction tx(*lease);
    std::set<std::string> seen;
    for (const auto& row : tx.exec_prepared("xds_latest_versions",
                                            detail::text_array(sorted_distinct(logical_ids)))) {
      auto object = versioned_from(row);
      if (seen.insert(object.logical_id).second) objects.push_back(std::move(object));
    }
    tx.commit();
  } catch (...) {
    detail::rethrow_as_registry_error("find latest versions");
  }
  return objects;
}

std::vector<VersionedObject> XdsStore::find_versioned(const std::vector<std::string>& entry_uuids) {
  std::vector<VersionedObject> objects;
  if (entry_uuids.empty()) return objects;
  try {
    auto lease = pool_.acquire();
    detail::prepare_statements(*lease);
    pqxx::read_transaction tx(*lease);
    for (const auto& row :
         tx.exec_prepared("xds_versioned", detail::text_array(sorted_distinct(entry_uuids)))) {
      objects.push_back(versioned_from(row));
    }
    tx.commit();
  } catch (...) {
    detail::rethrow_as_registry_error("find objects");
  }
  return objects;
}

std::vector<ExistingAssociation> XdsStore::find_associations_of(
    const std::vector<std::string>& entry_uuids) {
  std::vector<ExistingAssociation> associations;
  if (entry_uuids.empty()) return associations;
  try {
    auto lease = pool_.acquire();
    detail::prepare_statements(*lease);
    pqxx::read_transaction tx(*lease);
    for (const auto& row : tx.exec_prepared("xds_associations_of",
                                            detail::text_array(sorted_distinct(entry_uuids)))) {
      associations.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                              row[2].as<std::string>(), row[3].as<std::string>(),
                              row[4].as<std::string>()});
    }
    tx.commit();
  } catch (...) {
    detail::rethrow_as_registry_error("find associations");
  }
  return associations;
}

}  // namespace passerelle::store
