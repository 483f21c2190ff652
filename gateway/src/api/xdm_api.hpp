#pragma once

// issue 10: the operator API's XDM routes (docs/xdm-import-export.md),
// registered with the XDS operations (make_xds_router) so that the import
// uses their registry:
//
//   GET  /api/v1/xdm/export?lot=UID | ?document=UID   → application/zip
//   POST /api/v1/xdm/import   (application/zip body)  → one result per lot
//
// Same bearer credential and JSON errors as the rest of the operator API.

#include <memory>

#include "passerelle/gateway/config.hpp"
#include "passerelle/gateway/router.hpp"
#include "passerelle/registry/transactions.hpp"
#include "passerelle/registry/xdm.hpp"
#include "passerelle/signature/signer.hpp"

namespace passerelle::gateway::api {

// `signing_key` (--export-signing-key; null: none) signs each exported lot,
// as the professionals' XDM download does (download/export_signing.hpp).
ApiRoute make_xdm_api(std::shared_ptr<store::ConnectionPool> pool,
                      std::shared_ptr<registry::Registry> registry, registry::xdm::Limits limits,
                      std::shared_ptr<const signature::SigningKey> signing_key);

// The import limits `passerelle serve` was given (--xdm-max-*).
registry::xdm::Limits xdm_limits(const ServerConfig& config);

}  // namespace passerelle::gateway::api
