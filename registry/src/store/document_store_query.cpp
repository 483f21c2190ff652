// XdsStore lookups: existing documents and objects, stored objects back as
// ebRIM, table counts.

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "store/document_store_internal.hpp"

namespace passerelle::store {
namespace {

std::vector<std::string> distinct(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace

std::vector<ExistingDocument> XdsStore::find_documents_by_unique_id(
    const std::vector<std::string>& unique_ids) {
  std::vector<ExistingDocument> documents;
  if (unique_ids.empty()) return documents;
  try {
    auto lease = pool_.acquire();
    detail::prepare_statements(*lease);
    pqxx::read_transaction tx(*lease);
    for (const auto& row :
         tx.exec_prepared("xds_documents_by_unique_ids", detail::text_array(unique_ids))) {
      ExistingDocument document;
      document.entry_uuid = row[0].as<std::string>();
      document.unique_id = row[1].as<std::string>();
      document.patient_id = row[2].as<std::string>();
      document.status = row[3].as<std::string>();
      document.hash = row[4].as<std::string>();
      document.size = static_cast<std::uint64_t>(row[5].as<std::int64_t>());
      document.repository_unique_id = row[6].as<std::string>();
      document.mime_type = row[7].as<std::string>();
      document.has_content = row[8].as<bool>();
      documents.push_back(std::move(document));
    }
    tx.commit();
  } catch (...) {
    detail::rethrow_as_registry_error("find documents");
  }
  return documents;
}

std::vector<ExistingObject> XdsStore::find_objects(const std::vector<std::string>& entry_uuids) {
  std::vector<ExistingObject> objects;
  if (entry_uuids.empty()) return objects;
  try {
    auto lease = pool_.acquire();
    detail::prepare_statements(*lease);
    pqxx::read_transaction tx(*lease);
    std::map<std::string, ExistingObject> found;
    for (const auto& row :
         tx.exec_prepared("xds_objects_by_uuids", detail::text_array(entry_uuids))) {
      ExistingObject object;
      object.entry_uuid = row[0].as<std::string>();
      object.kind = row[1].as<std::string>();
      object.patient_id = row[2].as<std::string>();
      object.status = row[3].as<std::string>();
      found.emplace(object.entry_uuid, std::move(object));
    }
    tx.commit();
    // In the order asked, each once.
    std::set<std::string> seen;
    for (const auto& uuid : entry_uuids) {
      const auto it = found.find(uuid);
      if (it != found.end() && seen.insert(uuid).second) objects.push_back(it->second);
    }
  } catch (...) {
    detail::rethrow_as_registry_error("find objects");
  }
  return objects;
}

std::vector<registry::RegistryObject> XdsStore::load_objects(
    const std::vector<std::string>& entry_uuids) {
  std::vector<registry::RegistryObject> objects;
  if (entry_uuids.empty()) return objects;
  try {
    std::vector<std::string> ids;
    std::map<std::string, std::pair<std::string, std::string>> statuses;  // kind, status
    // The stored objects, each a rim:* element declaring its namespaces,
    // parsed back in one SubmitObjectsRequest envelope.
    std::string envelope = std::string("<lcm:SubmitObjectsRequest xmlns:lcm=\"") +
                           registry::ns::kLcm + "\" xmlns:rim=\"" + registry::ns::kRim +
                           "\"><rim:RegistryObjectList>";
    {
      auto lease = pool_.acquire();
      detail::prepare_statements(*lease);
      pqxx::read_transaction tx(*lease);
      for (const auto& row :
           tx.exec_prepared("xds_object_xml_by_uuids", detail::text_array(distinct(entry_uuids)))) {
        ids.push_back(row[0].as<std::string>());
        statuses[ids.back()] = {row[1].as<std::string>(), row[2].as<std::string>()};
        envelope += row[3].c_str();
      }
      tx.commit();
    }
    if (ids.empty()) return objects;
    envelope += "</rim:RegistryObjectList></lcm:SubmitObjectsRequest>";

    xml::Limits limits;
    limits.max_bytes = std::max(limits.max_bytes, envelope.size());
    const auto document = xml::parse(envelope, limits, "stored objects");
    auto parsed = registry::parse_submit_objects(document.root());
    if (parsed.objects.size() != ids.size()) {
      throw Failure(xds_codes::kRegistryError, "load objects",
                    "stored objects parsed back as " + std::to_string(parsed.objects.size()) +
                        " objects, expected " + std::to_string(ids.size()));
    }
    std::map<std::string, registry::RegistryObject> by_id;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto& object = parsed.objects[i];
      // The status column is authoritative (Deprecated after a replacement).
      // Classifications and other objects without a lifecycle keep theirs.
      const auto& [kind, status] = statuses[ids[i]];
      if (kind != detail::kKindClassification && kind != detail::kKindOther) {
        object.status = status;
      }
      by_id.emplace(ids[i], std::move(object));
    }
    std::set<std::string> seen;
    for (const auto& uuid : entry_uuids) {
      const auto it = by_id.find(uuid);
      if (it != by_id.end() && seen.insert(uuid).second) objects.push_back(it->second);
    }
  } catch (...) {
    detail::rethrow_as_registry_error("load objects");
  }
  return objects;
}

XdsStore::Counts XdsStore::counts() {
  try {
    auto lease = pool_.acquire();
    detail::prepare_statements(*lease);
    pqxx::read_transaction tx(*lease);
    const auto row = tx.exec_prepared1("xds_counts");
    Counts counts;
    counts.objects = row[0].as<std::int64_t>();
    counts.documents = row[1].as<std::int64_t>();
    counts.contents = row[2].as<std::int64_t>();
    counts.content_bytes = row[3].as<std::int64_t>();
    tx.commit();
    return counts;
  } catch (...) {
    detail::rethrow_as_registry_error("counts");
  }
}

}  // namespace passerelle::store
