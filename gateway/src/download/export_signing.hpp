#pragma once

// Issue 10 (issue 9 follow-up): with --export-signing-key/-cert, the
// gateway signs each lot it exports as XDM. The signature travels as one
// more DocumentEntry of the lot, with the DSG metadata the dmp profile asks
// of lot signatures (dmp-xds-mapping.md §8, docs/signature.md): classCode
// urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1, typeCode E1762, formatCode
// urn:ihe:iti:dsg:detached:2014, eventCode 1.2.840.10065.1.12.1.14,
// languageCode art, mimeType text/xml, HasMember of the lot and `signs` it.

#include <chrono>
#include <string>

#include "passerelle/registry/xdm.hpp"
#include "passerelle/signature/signer.hpp"

namespace passerelle::gateway::download {

// Signs the lot's documents (all but any signature document it already
// holds, e.g. the depositor's) with `key` (signature::sign_lot) and adds the
// signature document and its two associations to `lot`. The entry's
// patient, source patient, author, confidentiality, facility and practice
// codes are those of the lot's first signed document. Does nothing to a lot
// without documents.
void sign_exported_lot(
    registry::xdm::PackagedLot& lot, const signature::SigningKey& key,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Startup check of --export-signing-key/-cert: signs a one-document lot and
// verifies it with the certificate file as the trust anchor, so that a key
// that is not the certificate's (SigningKey::from_pem does not compare
// them) or an expired certificate stops the start instead of producing
// signatures nobody can verify. Throws Failure(kInternalError, location
// "--export-signing-key") saying why.
void check_export_signing_key(const signature::SigningKey& key,
                              const std::string& certificate_path);

}  // namespace passerelle::gateway::download
