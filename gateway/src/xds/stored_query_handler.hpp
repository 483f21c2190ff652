#pragma once

// ITI-18 Registry Stored Query: query:AdhocQueryRequest in,
// query:AdhocQueryResponse out (errors as RegistryErrors, never faults).

#include <memory>

#include "passerelle/gateway/router.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/stored_query.hpp"

namespace passerelle::gateway {

inline constexpr const char* kStoredQueryAction = "urn:ihe:iti:2007:RegistryStoredQuery";
inline constexpr const char* kStoredQueryResponseAction =
    "urn:ihe:iti:2007:RegistryStoredQueryResponse";

Operation make_stored_query_operation(std::shared_ptr<store::ConnectionPool> pool,
                                      registry::QueryOptions options);

}  // namespace passerelle::gateway
