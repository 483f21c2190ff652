#pragma once

// The operator API (JSON over the gateway's HTTPS server) for patient
// records: create, show, close, reopen. docs/operator-api.md and
// docs/openapi.yaml describe it for clients.
//
//   POST /api/v1/records                    create (201; 409 if it exists)
//   GET  /api/v1/records/{patient_id}       show (404 if unknown)
//   POST /api/v1/records/{patient_id}/close {"reason": …} (409 if closed)
//   POST /api/v1/records/{patient_id}/reopen (409 if open)
//
// handle_records_api() knows nothing of authentication or of the server; the
// OperatorApi wraps it with the bearer token check.

#include <boost/beast/http/verb.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/bearer_auth.hpp"
#include "passerelle/gateway/router.hpp"  // ApiAnswer (issue 10)

namespace passerelle::store {
class ConnectionPool;
class RecordStore;
}  // namespace passerelle::store

namespace passerelle::gateway::api {

inline constexpr std::string_view kApiPrefix = "/api/";

// status, JSON body (ends with a newline), extra headers, log_detail (the
// internal cause of a 5xx, logged, never sent) and, issue 10, content_type
// (application/json unless a route says otherwise: the XDM export's ZIP).
using ApiReply = ApiAnswer;

// Request checking shared by the API's resources (records_api.cpp,
// record_state_api.cpp). The parsers throw BadRequest, which the resource
// answers with a 400.
namespace request {
using Json = nlohmann::ordered_json;
struct BadRequest {
  std::string message;
};
// User text echoed in a message, cut so a huge value cannot bloat the reply.
std::string echo(std::string_view text);
ApiReply json_reply(unsigned status, const Json& body);
bool is_json_media_type(std::string_view content_type);
// Percent-decoding of one path segment ('+' stays '+'); nullopt when malformed.
std::optional<std::string> percent_decode(std::string_view text);
Json parse_object(std::string_view body);
void refuse_unknown_fields(const Json& object, std::initializer_list<std::string_view> allowed);
// The required string member `name`: non-empty, at most max_length bytes,
// no control characters.
std::string string_field(const Json& object, const std::string& name, std::size_t max_length);
bool all_digits(std::string_view text);
ApiReply method_not_allowed(std::string_view allow);
}  // namespace request

// Says whether the assigning authority (an OID already known to be
// dotted-decimal) of a patient id is accepted. Empty = any OID.
using AuthorityCheck = std::function<bool(const std::string& oid)>;
// Accepts exactly the OIDs listed; an empty list accepts any OID (what a
// profile's patient_id_authorities means).
AuthorityCheck accept_authorities(std::vector<std::string> oids);

// Why `patient_id` is not a patient id of the form id^^^&OID&ISO^NH with a
// dotted-decimal OID (accepted by `check` when given), or nullopt when it is.
std::optional<std::string> patient_id_problem(const std::string& patient_id,
                                              const AuthorityCheck& check = {});
bool is_dotted_decimal_oid(std::string_view text);

// One request to /api/v1/records…, authenticated already.
ApiReply handle_records_api(boost::beast::http::verb method, std::string_view target,
                            std::string_view content_type, std::string_view body,
                            store::RecordStore& records, const AuthorityCheck& check = {});

// JSON error reply: {"error": {"code": …, "message": …}}.
ApiReply api_error(unsigned status, std::string_view code, std::string_view message);

// The whole /api/ tree: bearer token check, then the records API.
class OperatorApi {
 public:
  // `pool` may be null: every request then answers 503.
  OperatorApi(std::string token, store::ConnectionPool* pool, AuthorityCheck check);

  // `request_id` names the request in the traces of the changes it makes.
  ApiReply handle(boost::beast::http::verb method, std::string_view target,
                  std::string_view authorization, std::string_view content_type,
                  std::string_view body, std::string_view request_id = {}) const;

  // True when `authorization` carries the operator token (what handle()
  // checks first); SOAP operations reserved to the operator (ITI-62) use it.
  bool authenticates(std::string_view authorization) const {
    return bearer_token_matches(authorization, token_);
  }

 private:
  std::string token_;
  store::ConnectionPool* pool_;
  AuthorityCheck check_;
};

// The server's operator API: null when `token_file` is empty (the API is
// disabled and /api/ answers 404); throws Failure when the file is given but
// missing, unreadable or empty.
std::unique_ptr<OperatorApi> make_operator_api(const std::filesystem::path& token_file,
                                               store::ConnectionPool* pool, AuthorityCheck check);
// The reply to /api/ when the operator API is disabled.
ApiReply api_disabled();

}  // namespace passerelle::gateway::api
