#pragma once

// Issue 9: ITI-41 lots with an IHE DSG signature document, for tests and
// benchmarks. The signature DocumentEntry is the fixture's Document02 entry
// rewritten with the DSG metadata (dmp-xds-mapping.md §8), plus its
// HasMember and `signs` associations; the signature itself is made by the
// product's signature::sign_lot over the lot's parts.

#include <memory>
#include <string>
#include <vector>

#include "passerelle/registry/profile.hpp"
#include "passerelle/signature/lot_signature.hpp"
#include "xds_client.hpp"

namespace passerelle::testing {

inline constexpr const char* kSignatureEntryId = "Signature01";

// `metadata` (the fixture lot, e.g. after with_fresh_unique_ids) with a
// signature DocumentEntry "Signature01" (uniqueId = Document02's + "9").
std::string with_signature_entry(const std::string& metadata);
// The SubmissionSet uniqueId the metadata gives; throws when absent.
std::string submission_set_unique_id(const std::string& metadata);
// The lot as signature/ sees it: the set's uniqueId and each part (but the
// signature) under its DocumentEntry's uniqueId.
signature::Lot lot_of(const std::string& metadata, const std::vector<Part>& parts);
// `parts` plus the signature part for Signature01, signed with `key`.
std::vector<Part> with_signature_part(const std::string& metadata, std::vector<Part> parts,
                                      const signature::SigningKey& key,
                                      const signature::LotSigningOptions& options = {});

// The shipped dmp profile with "lot_signature.required" off, for tests of
// other features that post unsigned lots (the requirement itself is
// tests/integration/lot_signature_test.cpp's).
std::shared_ptr<const registry::Profile> dmp_profile_without_lot_signatures();

}  // namespace passerelle::testing
