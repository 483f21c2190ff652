#pragma once

// The XDS.b endpoints with their transactions (ITI-41/42/43) wired to the
// registry. make_xds_router() in router.hpp gives the same endpoints with no
// operations (transport tests).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "passerelle/gateway/router.hpp"
#include "passerelle/policy/habilitation.hpp"  // issue 6
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/xdm.hpp"       // issue 10
#include "passerelle/signature/signer.hpp"   // issue 10: export signing
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
  // issue 10: limits of the operator XDM import (POST /api/v1/xdm/import),
  // from --xdm-max-entries/-bytes/-ratio (xdm_limits() in gateway/src/api/xdm_api.hpp).
  registry::xdm::Limits xdm_limits = {};
  // ---- issue 10: professional downloads (docs/downloads.md) ----
  // Signs each exported XDM lot (--export-signing-key/-cert); null: unsigned.
  std::shared_ptr<const signature::SigningKey> export_signing_key = nullptr;
  // R-TRACE-4: more downloads than this by one professional within the
  // period are traced as misuse (never refused).
  std::int64_t download_misuse_threshold = 100;
  std::chrono::seconds download_misuse_period{86'400};
  // ---- end issue 10: professional downloads ----
};

Router make_xds_router(const XdsDependencies& dependencies);

}  // namespace passerelle::gateway
