// Symbolic ids become urn:uuid ids before anything is stored, so that every
// object has its registry-wide identity and references follow the change.

#include "passerelle/registry/identifiers.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/random.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace passerelle::registry {
namespace {

bool is_uuid_urn(const std::string& id) { return id.rfind("urn:uuid:", 0) == 0; }

// An ObjectRef names an object already in the registry; it defines nothing.
bool defines_id(const RegistryObject& object) { return object.element_name != "ObjectRef"; }

// Visits every id an object of the request defines.
template <typename Request, typename Visit>
void for_each_definition(Request& request, Visit visit) {
  for (auto& object : request.objects) {
    if (!defines_id(object)) continue;
    visit(object.id);
    for (auto& c : object.classifications) visit(c.id);
    for (auto& e : object.external_identifiers) visit(e.id);
  }
}

// Visits every reference, with the id of the object that holds it.
template <typename Request, typename Visit>
void for_each_reference(Request& request, Visit visit) {
  for (auto& object : request.objects) {
    if (object.kind == ObjectKind::Association) {
      visit(object.source_object, object.id);
      visit(object.target_object, object.id);
    }
    if (object.classification) visit(object.classification->classified_object, object.id);
    for (auto& c : object.classifications)
      visit(c.classified_object, c.id.empty() ? object.id : c.id);
    for (auto& e : object.external_identifiers) {
      visit(e.registry_object, e.id.empty() ? object.id : e.id);
    }
  }
}

std::set<std::string> defined_ids(const SubmitObjectsRequest& request) {
  std::set<std::string> ids;
  for_each_definition(request, [&](const std::string& id) {
    if (!id.empty()) ids.insert(id);
  });
  return ids;
}

}  // namespace

std::string new_uuid_urn() {
  auto id = random::uuid_urn();
  if (!id) throw Failure(xds_codes::kRegistryError, "uuid", "the random generator failed");
  return std::move(*id);
}

std::map<std::string, std::string> assign_uuids(SubmitObjectsRequest& request,
                                                const std::function<std::string()>& make_uuid) {
  std::set<std::string> seen;
  std::map<std::string, std::string> assigned;
  for_each_definition(request, [&](const std::string& id) {
    if (id.empty()) return;
    if (!seen.insert(id).second) {
      throw Failure(xds_codes::kRegistryMetadataError, id,
                    "id '" + id + "' is defined by more than one object of the submission");
    }
    if (!is_uuid_urn(id)) assigned.emplace(id, make_uuid());
  });
  if (assigned.empty()) return assigned;

  const auto rename = [&](std::string& id) {
    if (const auto it = assigned.find(id); it != assigned.end()) id = it->second;
  };
  for (RegistryObject& object : request.objects) {
    // An ObjectRef may point at an object of this request by its symbolic id.
    rename(object.id);
    if (object.classification) rename(object.classification->id);
    for (Classification& c : object.classifications) rename(c.id);
    for (ExternalIdentifier& e : object.external_identifiers) rename(e.id);
  }
  for_each_reference(request,
                     [&](std::string& reference, const std::string&) { rename(reference); });
  return assigned;
}

DanglingReferences find_dangling_references(const SubmitObjectsRequest& request) {
  const std::set<std::string> defined = defined_ids(request);
  DanglingReferences out;
  std::set<std::string> listed;
  for_each_reference(request, [&](const std::string& reference, const std::string& holder) {
    if (defined.count(reference) != 0) return;
    if (is_uuid_urn(reference)) {
      if (listed.insert(reference).second) out.uuids.push_back(reference);
      return;
    }
    out.errors.push_back(Error{xds_codes::kRegistryMetadataError, Severity::Error, holder,
                               "'" + reference +
                                   "' names no object of the submission and is not a urn:uuid "
                                   "that could name one in the registry"});
  });
  return out;
}

}  // namespace passerelle::registry
