#pragma once

// Issue 9: the lot signature check of ITI-41 (registry::LotSignatureChecker
// says why it lives here). dmp-xds-mapping.md §8, docs/signature.md.

#include <memory>

#include "passerelle/registry/transactions.hpp"
#include "passerelle/signature/xmldsig.hpp"

namespace passerelle::gateway {

// Finds the lot's signature DocumentEntry (DSG classCode or formatCode),
// checks its metadata and `signs` association, and verifies it against the
// bytes of the lot's other documents with `trust`. An unsigned lot is
// refused when the profile requires signatures. Every refusal is one
// RegistryError with a signature::lot_codes code, location = the
// signature DocumentEntry (or the SubmissionSet), nothing stored.
// True for the lot's IHE DSG signature DocumentEntry (its classCode or
// formatCode says so); its other metadata is checked separately.
bool is_signature_entry(const registry::DocumentEntry& entry);

registry::LotSignatureChecker lot_signature_checker(
    std::shared_ptr<const signature::TrustStore> trust);

}  // namespace passerelle::gateway
