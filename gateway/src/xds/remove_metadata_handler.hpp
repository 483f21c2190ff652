#pragma once

// ITI-62 Remove Metadata (issue 5), operator only: lcm:RemoveObjectsRequest
// in, rs:RegistryResponse out. docs/remove-metadata.md.

#include <memory>

#include "passerelle/gateway/router.hpp"
#include "passerelle/registry/transactions.hpp"

namespace passerelle::gateway {

inline constexpr const char* kRemoveMetadataAction = "urn:ihe:iti:2010:DeleteDocumentSet";
inline constexpr const char* kRemoveMetadataResponseAction =
    "urn:ihe:iti:2010:DeleteDocumentSetResponse";

// Sender fault subcode {urn:passerelle:fault}OperatorCredentialRequired
// (HTTP 400): the request did not carry the operator token in
// `Authorization: Bearer …`, or carried another one. Belongs with the
// transport codes of core/error_codes.hpp; kept here until it moves there.
inline constexpr const char* kOperatorCredentialRequired = "passerelle:OperatorCredentialRequired";

Operation make_remove_metadata_operation(std::shared_ptr<registry::Registry> registry);

}  // namespace passerelle::gateway
