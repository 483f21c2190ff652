#pragma once

// Message-level validation of a submission per ITI TF-3 §4.2–4.3 and the
// affinity domain profile. Pure: no I/O. State-level checks (duplicates in
// the registry, unknown patient, references to existing objects) are the
// transactions' job, with the store.

#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/profile.hpp"

namespace passerelle::registry {

// Every problem found, each an Error with the most specific XDS code
// (xds_codes.hpp), location = the id of the object concerned and a message
// naming the attribute. Empty when valid. Expects ids already resolved to
// urn:uuid (identifiers.hpp).
// Original: ITI-41/42, new objects only (a logicalId other than the
// entryUUID, a PreviousVersion slot or an UpdateAvailabilityStatus
// association is refused). MetadataUpdate: ITI-57, whose operations the
// transaction checks against the registry (metadata_update.cpp).
enum class SubmissionKind { Original, MetadataUpdate };

std::vector<Error> validate_submission(const SubmitObjectsRequest& request,
                                       const Submission& submission, const Profile& profile,
                                       SubmissionKind kind = SubmissionKind::Original);

}  // namespace passerelle::registry
