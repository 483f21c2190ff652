#pragma once

// The operator API for the patient's choices on a record and its history
// (issue 6), standing in for the patient's own app. Same credential and
// conventions as records_api; docs/operator-api.md describes it.
//
//   GET        /api/v1/records/{patient_id}/state
//   PUT|DELETE /api/v1/records/{patient_id}/treating-doctors/{person_id}  (R-AUTH-5)
//   PUT|DELETE /api/v1/records/{patient_id}/blocked/{person_id}           (R-AUTH-3)
//   PUT        /api/v1/records/{patient_id}/emergency                     (R-AUTH-2)
//   PUT|DELETE /api/v1/records/{patient_id}/legal-representative
//   GET        /api/v1/records/{patient_id}/traces[?document=&limit=&before=]  (R-TRACE-1, -3)
//
// Every change is traced with the operator as actor, in its transaction.

#include <boost/beast/http/verb.hpp>
#include <optional>
#include <string_view>

#include "api/records_api.hpp"

namespace passerelle::store {
class ConnectionPool;
}

namespace passerelle::gateway::api {

// The reply when `target` is one of the routes above (authenticated
// already), nullopt when it is not (the records API answers then).
std::optional<ApiReply> handle_record_state_api(boost::beast::http::verb method,
                                                std::string_view target,
                                                std::string_view content_type,
                                                std::string_view body, store::ConnectionPool& pool,
                                                std::string_view request_id);

}  // namespace passerelle::gateway::api
