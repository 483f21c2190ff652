#pragma once

// The XDS.b endpoints with their transactions (ITI-41/42/43) wired to the
// registry. make_xds_router() in router.hpp gives the same endpoints with no
// operations (transport tests).

#include <cstddef>
#include <memory>
#include <string>

#include "passerelle/gateway/router.hpp"
#include "passerelle/policy/habilitation.hpp"  // issue 6
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/signature/xmldsig.hpp"  // issue 9

namespace passerelle::gateway {

struct XdsDependencies {
  std::shared_ptr<store::ConnectionPool> pool;
  std::shared_ptr<const registry::Profile> profile;
  std::string repository_unique_id;
  soap::DecodeOptions decode;            // spill threshold and spool dir for inline base64
  std::size_t max_query_results = 1000;  // ITI-18 LeafClass cap (XDSTooManyResults)
  // Issue 9: trust anchors of lot signatures (--signature-trust). Without
  // them, a profile that requires signed lots refuses every ITI-41 lot.
  std::shared_ptr<const signature::TrustStore> signature_trust = nullptr;
  // ---- issue 6: access policy ----
  // The habilitation matrix (--habilitation, loaded once at startup). Null
  // with a profile whose access_policy is on: the shipped matrix is loaded.
  std::shared_ptr<const policy::HabilitationMatrix> habilitation = nullptr;
  // ---- end issue 6: access policy ----
};

Router make_xds_router(const XdsDependencies& dependencies);

}  // namespace passerelle::gateway
