#pragma once

// ITI-57 Update Document Set requests for tests, built from a lot's
// metadata (the tests/fixtures/xds lot) through the ebRIM model, so a test
// states only the operation it sends: a new version of one DocumentEntry or
// Folder, a status change, an association between registered objects.

#include <functional>
#include <string>
#include <vector>

#include "passerelle/registry/ebrim.hpp"
#include "xds_client.hpp"

namespace passerelle::testing {

// The lot's metadata with its SubmissionSet and DocumentEntries given
// fixed urn:uuid entryUUIDs ("SubmissionSet01" → set_uuid, "Document01" →
// document_uuids[0]…), so a test knows what the registry holds.
std::string with_entry_uuids(const std::string& metadata, const std::string& set_uuid,
                             const std::vector<std::string>& document_uuids);

// The lot plus a Folder `folder_uuid` (uniqueId folder_unique_id, codeList
// from the dmp profile) holding the DocumentEntries `members`.
std::string with_folder(const std::string& metadata, const std::string& folder_uuid,
                        const std::string& folder_unique_id,
                        const std::vector<std::string>& members);

// A SubmissionSet taken from `metadata` with a fresh uniqueId (salt digits)
// and nothing else: the start of every update request.
registry::SubmitObjectsRequest update_set(const std::string& metadata, const std::string& salt);

// Adds a new version of the DocumentEntry or Folder `entry_id` of
// `metadata` (as registered): a new entryUUID, lid = logical_id, the HasMember
// from the set with PreviousVersion (and AssociationPropagation unless
// empty). `edit` changes the copy (title, codes…). Returns the new entryUUID.
std::string add_new_version(registry::SubmitObjectsRequest& request, const std::string& metadata,
                            const std::string& entry_id, const std::string& logical_id,
                            const std::string& previous_version,
                            const std::function<void(registry::RegistryObject&)>& edit = {},
                            const std::string& propagation = "");

// Adds an UpdateAvailabilityStatus association from the set to `target`.
void add_status_change(registry::SubmitObjectsRequest& request, const std::string& target,
                       const std::string& from, const std::string& to);

// Adds an association `type` source → target and the set's HasMember to it
// (Submit Association).
void add_association(registry::SubmitObjectsRequest& request, const std::string& type,
                     const std::string& source, const std::string& target);

std::string serialize_request(const registry::SubmitObjectsRequest& request);
HttpRequestBody update_document_set(const std::string& metadata);

// Adds the DMP confidentialityCode MASQUE_PS (masked to professionals,
// R-CHG-1) to the DocumentEntry `object`.
void add_masque_ps(registry::RegistryObject& object);

// The first Slot `name` of `object`, set to `values` (added when absent).
void set_slot_values(registry::RegistryObject& object, const std::string& name,
                     std::vector<std::string> values);

}  // namespace passerelle::testing
