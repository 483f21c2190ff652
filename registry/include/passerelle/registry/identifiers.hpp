#pragma once

// Symbolic ids ("Document01") are replaced by fresh urn:uuid ids, and every
// reference to them (classifiedObject, registryObject, sourceObject,
// targetObject) follows. Pre-assigned urn:uuid ids are kept.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/ebrim.hpp"

namespace passerelle::registry {

std::string new_uuid_urn();  // urn:uuid:<random v4>

// Returns symbolic id → assigned urn:uuid. Throws Failure
// (XDSRegistryMetadataError, location = the id) for an id defined twice.
std::map<std::string, std::string> assign_uuids(
    SubmitObjectsRequest& request, const std::function<std::string()>& make_uuid = new_uuid_urn);

// References (association source/target, classifiedObject, registryObject)
// that name no object of the request: the caller resolves them against the
// registry. Symbolic (non-urn:uuid) dangling references are errors already.
struct DanglingReferences {
  std::vector<std::string> uuids;  // urn:uuid ids to look up in the registry
  std::vector<Error> errors;       // XDSRegistryMetadataError, location = the referring object
};
DanglingReferences find_dangling_references(const SubmitObjectsRequest& request);

}  // namespace passerelle::registry
