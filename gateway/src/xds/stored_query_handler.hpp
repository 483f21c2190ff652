#pragma once

// ITI-18 Registry Stored Query: query:AdhocQueryRequest in,
// query:AdhocQueryResponse out (errors as RegistryErrors, never faults).

#include <memory>

#include "access/access_control.hpp"  // issue 6
#include "passerelle/gateway/router.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/stored_query.hpp"

namespace passerelle::gateway {

inline constexpr const char* kStoredQueryAction = "urn:ihe:iti:2007:RegistryStoredQuery";
inline constexpr const char* kStoredQueryResponseAction =
    "urn:ihe:iti:2007:RegistryStoredQueryResponse";

// issue 6: with `access`, a request under the access policy is restricted to
// what its VIHF may see (access::AccessControl::grant_read, R-READ-1..6).
Operation make_stored_query_operation(
    std::shared_ptr<store::ConnectionPool> pool, registry::QueryOptions options,
    std::shared_ptr<const access::AccessControl> access = nullptr);

}  // namespace passerelle::gateway
