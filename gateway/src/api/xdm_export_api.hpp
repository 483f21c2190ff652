#pragma once

// issue 10: GET /api/v1/xdm/export?lot=UID | ?document=UID — the operator
// takes a lot or one document out as XDM media (registry::xdm). The
// operator sees every document (no policy); each exported document is
// traced (R-TRACE-1) with the operator as actor before the ZIP is sent.

#include <string_view>

#include "api/records_api.hpp"
#include "passerelle/signature/signer.hpp"

namespace passerelle::store {
class ConnectionPool;
}

namespace passerelle::gateway::api {

// 200 application/zip with a Content-Disposition file name; 400 for a bad
// query, 404 for an unknown lot or document. `signing_key` (may be null)
// signs each lot of the package (download::sign_exported_lot).
ApiReply xdm_export_reply(store::ConnectionPool& pool, const signature::SigningKey* signing_key,
                          std::string_view target, std::string_view request_id);

}  // namespace passerelle::gateway::api
