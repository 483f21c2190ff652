// XdsStore::remove_objects: ITI-62 Remove Metadata, one transaction, all or
// nothing (ITI TF-2b §3.62.4.1.3; the rules as the NIST tests 30000–30008
// pin them, docs/remove-metadata.md).

#include <cstdint>
#include <map>
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

struct Association {
  std::string id;
  std::string type;
  std::string source;
  std::string target;
};

void prepare_remove_statements(pqxx::connection& c) {
  // Association rows never change once stored, so their ends can be read
  // before the locks are taken.
  c.prepare("xds_rm_association_ends",
            "SELECT entry_uuid, type, source, target FROM associations "
            "WHERE entry_uuid = ANY ($1::text[])");
  // In entryUUID order, so that two removals (or a removal and a
  // replacement, which locks its target FOR UPDATE too) wait for each other
  // instead of deadlocking.
  c.prepare("xds_rm_lock",
            "SELECT entry_uuid, kind FROM registry_objects WHERE entry_uuid = ANY ($1::text[]) "
            "ORDER BY entry_uuid FOR UPDATE");
  c.prepare("xds_rm_referencing",
            "SELECT entry_uuid, type, source, target FROM associations "
            "WHERE (source = ANY ($1::text[]) OR target = ANY ($1::text[])) "
            "AND entry_uuid <> ALL ($1::text[]) ORDER BY entry_uuid");
  c.prepare("xds_rm_members_left",
            "SELECT count(*) FROM associations WHERE source = $1 AND type = $2 "
            "AND entry_uuid <> ALL ($3::text[])");
  c.prepare("xds_rm_memberships_left",
            "SELECT count(*) FROM associations a JOIN registry_objects s "
            "ON s.entry_uuid = a.source AND s.kind = 'SubmissionSet' "
            "WHERE a.target = $1 AND a.type = $2 AND a.entry_uuid <> ALL ($3::text[])");
  // A SubmissionSet or Folder is marked by a top-level Classification
  // stored as its own row of the same lot; it goes with the object.
  c.prepare("xds_rm_markers",
            "DELETE FROM registry_objects c WHERE c.kind = 'Classification' "
            "AND c.lot_id IN (SELECT lot_id FROM registry_objects "
            "WHERE entry_uuid = ANY ($1::text[])) "
            "AND (xpath('/*/@classifiedObject', c.object_xml::xml))[1]::text = ANY ($1::text[])");
  // Typed rows (document_entries, submission_sets, folders, object_codes,
  // associations) follow by ON DELETE CASCADE. Content stays.
  c.prepare("xds_rm_objects", "DELETE FROM registry_objects WHERE entry_uuid = ANY ($1::text[])");
}

std::vector<Association> associations_from(const pqxx::result& rows) {
  std::vector<Association> associations;
  for (const auto& row : rows) {
    associations.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                            row[2].as<std::string>(), row[3].as<std::string>()});
  }
  return associations;
}

bool removable_kind(const std::string& kind) {
  return kind == detail::kKindDocument || kind == detail::kKindSubmissionSet ||
         kind == detail::kKindFolder || kind == detail::kKindAssociation;
}

// Every requested id must be a registered DocumentEntry, Folder,
// SubmissionSet or Association.
std::vector<Error> check_resolved(const std::vector<std::string>& ids,
                                  const std::map<std::string, std::string>& kinds) {
  std::vector<Error> errors;
  for (const auto& id : ids) {
    const auto found = kinds.find(id);
    if (found == kinds.end()) {
      errors.push_back({xds_codes::kUnresolvedReference, Severity::Error, id,
                        "no registry object " + id + " to remove"});
    } else if (!removable_kind(found->second)) {
      errors.push_back({xds_codes::kRegistryMetadataError, Severity::Error, id,
                        id + " is a " + found->second +
                            ": only DocumentEntries, Folders, SubmissionSets and "
                            "Associations are removed, with what they own"});
    }
  }
  return errors;
}

// No association left in the registry may point at a removed object.
std::vector<Error> check_not_referenced(pqxx::work& tx, const std::string& removed_array,
                                        const std::set<std::string>& removed) {
  std::vector<Error> errors;
  for (const auto& association :
       associations_from(tx.exec_prepared("xds_rm_referencing", removed_array))) {
    for (const auto* end : {&association.source, &association.target}) {
      if (!removed.contains(*end)) continue;
      errors.push_back({xds_codes::kReferencesExist, Severity::Error, *end,
                        *end + " is still referenced by " + association.type + " association " +
                            association.id + ", which is not removed with it"});
    }
  }
  return errors;
}

// What stays must stay within the metadata model: a SubmissionSet keeps at
// least one HasMember, and a DocumentEntry, Folder or Folder membership that
// lost its SubmissionSet HasMember keeps another.
std::vector<Error> check_still_referenced(pqxx::work& tx,
                                          const std::vector<Association>& removed_associations,
                                          const std::set<std::string>& removed,
                                          const std::string& removed_array,
                                          const std::map<std::string, std::string>& kinds) {
  const auto kind_of = [&](const std::string& id) {
    const auto found = kinds.find(id);
    return found == kinds.end() ? std::string() : found->second;
  };
  std::set<std::string> sets;
  std::set<std::string> members;
  for (const auto& association : removed_associations) {
    if (association.type != vocab::kHasMember) continue;
    if (kind_of(association.source) != detail::kKindSubmissionSet) continue;
    if (!removed.contains(association.source)) sets.insert(association.source);
    if (!removed.contains(association.target)) members.insert(association.target);
  }
  std::vector<Error> errors;
  for (const auto& set : sets) {
    if (tx.exec_prepared1("xds_rm_members_left", set, vocab::kHasMember, removed_array)[0]
            .as<std::int64_t>() == 0) {
      errors.push_back({xds_codes::kUnreferencedObject, Severity::Error, set,
                        "SubmissionSet " + set +
                            " would be left without any member: remove it with its members"});
    }
  }
  for (const auto& member : members) {
    if (tx.exec_prepared1("xds_rm_memberships_left", member, vocab::kHasMember, removed_array)[0]
            .as<std::int64_t>() == 0) {
      errors.push_back(
          {xds_codes::kUnreferencedObject, Severity::Error, member,
           kind_of(member) + " " + member + " would be left in no SubmissionSet: remove it too"});
    }
  }
  return errors;
}

}  // namespace

std::vector<Error> XdsStore::remove_objects(const std::vector<std::string>& entry_uuids) {
  std::vector<std::string> ids;
  std::set<std::string> removed;
  for (const auto& id : entry_uuids) {
    if (removed.insert(id).second) ids.push_back(id);
  }
  if (ids.empty()) return {};
  const std::string removed_array = detail::text_array(ids);
  try {
    auto lease = pool_.acquire();
    prepare_remove_statements(*lease);
    // Rolled back by its destructor unless committed: a refusal or a
    // database failure leaves everything in place.
    pqxx::work tx(*lease);

    const auto removed_associations =
        associations_from(tx.exec_prepared("xds_rm_association_ends", removed_array));
    // Lock what is removed and what the removal leaves with fewer
    // references: a concurrent lot that locks the same rows waits, and the
    // checks below then see the registry as it will stay.
    std::vector<std::string> locked = ids;
    for (const auto& association : removed_associations) {
      locked.push_back(association.source);
      locked.push_back(association.target);
    }
    std::map<std::string, std::string> kinds;
    for (const auto& row : tx.exec_prepared("xds_rm_lock", detail::text_array(locked))) {
      kinds.emplace(row[0].as<std::string>(), row[1].as<std::string>());
    }

    auto errors = check_resolved(ids, kinds);
    if (errors.empty()) errors = check_not_referenced(tx, removed_array, removed);
    if (errors.empty()) {
      errors = check_still_referenced(tx, removed_associations, removed, removed_array, kinds);
    }
    if (!errors.empty()) return errors;

    tx.exec_prepared0("xds_rm_markers", removed_array);
    const auto deleted = tx.exec_prepared0("xds_rm_objects", removed_array).affected_rows();
    if (deleted != ids.size()) {
      throw Failure(xds_codes::kRegistryError, "remove",
                    "removed " + std::to_string(deleted) + " objects, expected " +
                        std::to_string(ids.size()));
    }
    tx.commit();
  } catch (...) {
    detail::rethrow_as_registry_error("remove");
  }
  return {};
}

}  // namespace passerelle::store
