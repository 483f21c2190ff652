#pragma once

// Issue 10 (R-OUT-1, R-OUT-2, R-TRACE-4; docs/downloads.md,
// docs/dmp-download.xsd): urn:passerelle:dmp:Download on /xds/registry (with the
// other DMP operations), VIHF-authenticated: one document per request, as its original file
// (the CDA's nonXMLBody), the full CDA, or an XDM package, answered with
// MTOM. Read access is decided as for ITI-43: a document the caller may not
// read is answered exactly as an unknown one.

#include <memory>
#include <string>

#include "access/access_control.hpp"
#include "download/download_trace.hpp"
#include "passerelle/gateway/router.hpp"
#include "passerelle/registry/transactions.hpp"
#include "passerelle/signature/signer.hpp"

namespace passerelle::gateway::download {

inline constexpr const char* kDownloadAction = "urn:passerelle:dmp:Download";

struct DownloadOptions {
  std::string repository_unique_id;  // documents are read from this repository
  std::shared_ptr<const signature::SigningKey> export_signing_key;  // null: XDM not signed
  MisuseSettings misuse;
};

Operation make_download_operation(std::shared_ptr<store::ConnectionPool> pool,
                                  std::shared_ptr<registry::Registry> registry,
                                  std::shared_ptr<const access::AccessControl> access,
                                  DownloadOptions options);

}  // namespace passerelle::gateway::download
