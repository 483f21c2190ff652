#pragma once

// The XDS.b endpoints with their transactions (ITI-41/42/43) wired to the
// registry. make_xds_router() in router.hpp gives the same endpoints with no
// operations (transport tests).

#include <cstddef>
#include <memory>
#include <string>

#include "passerelle/gateway/router.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/store.hpp"

namespace passerelle::gateway {

struct XdsDependencies {
  std::shared_ptr<store::ConnectionPool> pool;
  std::shared_ptr<const registry::Profile> profile;
  std::string repository_unique_id;
  soap::DecodeOptions decode;            // spill threshold and spool dir for inline base64
  std::size_t max_query_results = 1000;  // ITI-18 LeafClass cap (XDSTooManyResults)
};

Router make_xds_router(const XdsDependencies& dependencies);

}  // namespace passerelle::gateway
