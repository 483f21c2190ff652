#pragma once

// issue 10: POST /api/v1/xdm/import — the operator brings an XDM package in.
// The whole package is checked first (registry::xdm::read_package: hostile
// archives, limits, hashes); a refused package stores nothing. Then each lot
// goes through the registry's ITI-41 (Registry::provide_and_register, the
// XDS service's own registry: same validation, CDA and lot-signature
// checks), all or nothing per lot: a refused lot does not stop the others.

#include <string_view>

#include "api/records_api.hpp"
#include "passerelle/registry/transactions.hpp"
#include "passerelle/registry/xdm.hpp"

namespace passerelle::gateway::api {

// 200 every lot stored, 200 with "partial_success" some, 422 none (each
// lot's RegistryErrors in "lots"); 400 not a ZIP, 422 refused package (the
// read_package code, location and message), 415 not application/zip.
ApiReply xdm_import_reply(registry::Registry& registry, const registry::xdm::Limits& limits,
                          std::string_view content_type, std::string_view body);

}  // namespace passerelle::gateway::api
