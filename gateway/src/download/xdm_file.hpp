#pragma once

// Issue 10: the `xdm` download format: the document in its own lot as an
// XDM package (registry/xdm.hpp), signed by the gateway when it has an
// export signing key.

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "download/download_file.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/signature/signer.hpp"

namespace passerelle::gateway::download {

// `hidden` says which uniqueIds the caller may not read (the grant's
// AccessControl::hidden_documents): they stay out of the package. `key`
// null: the package is not signed by the gateway. Throws collect_package's
// Failure for an unknown or unreadable document.
DownloadFile xdm_file(store::ConnectionPool& pool, const std::string& unique_id,
                      std::function<std::set<std::string>(const std::vector<std::string>&)> hidden,
                      const signature::SigningKey* key);

}  // namespace passerelle::gateway::download
