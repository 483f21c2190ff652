#pragma once

// Dispatch table from (endpoint path, wsa:Action) to handlers. Later issues
// register their transactions here and nowhere else.

#include <boost/beast/http/verb.hpp>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "passerelle/soap/access_context.hpp"
#include "passerelle/soap/envelope.hpp"

namespace passerelle::gateway {

// What the transport knows about the caller, handed to every handler.
struct CallContext {
  std::string request_id;
  std::string peer;            // remote address:port
  std::string client_subject;  // verified TLS client certificate subject (RFC 2253), or ""
  // issue 5 (ITI-62): the request carried the operator token of the operator
  // API (Authorization: Bearer …), checked by the pipeline.
  bool operator_authenticated = false;
  // issue 6: the caller as its verified VIHF says, set by the identity step
  // before the handler runs; empty when no VIHF was sent and none is required.
  std::optional<soap::AccessContext> access;
};

using SoapHandler = std::function<soap::SoapResponse(const soap::SoapRequest&, const CallContext&)>;

struct Operation {
  std::string action;
  SoapHandler handler;
  std::vector<soap::QName> understood_headers;  // header blocks this operation processes
};

// ---- issue 10: operator API routes registered with the XDS operations ----
// A route of the operator API (/api/…) that needs what the XDS operations
// use (their registry): the pipeline asks these routes, once the operator
// token is checked, before the records API. Same error conventions as
// gateway/src/api/records_api.hpp (whose ApiReply is this ApiAnswer).
struct ApiCall {
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  std::string_view target;
  std::string_view content_type;
  std::string_view body;
  std::string_view request_id;
};
struct ApiAnswer {
  unsigned status = 200;
  std::string body;  // JSON ending with a newline, unless content_type says otherwise
  std::vector<std::pair<std::string, std::string>> headers;
  std::string log_detail;  // internal cause of a 5xx, logged, never sent
  std::string content_type = "application/json";
};
// nullopt: not this route's target.
using ApiRoute = std::function<std::optional<ApiAnswer>(const ApiCall&)>;
// ---- end issue 10 ----

class Router {
 public:
  // An endpoint answers only the actions registered on it. A path registered
  // with no operation exists and answers ActionNotSupported to everything.
  void add_endpoint(const std::string& path);
  void add(const std::string& path, Operation operation);

  bool has_endpoint(const std::string& path) const;
  const Operation* find(const std::string& path, const std::string& action) const;
  // Every header block any operation of the endpoint understands; used to
  // decide MustUnderstand before the action is known.
  std::vector<soap::QName> understood_headers(const std::string& path) const;
  // Known actions, for bounded metric labels.
  bool is_known_action(const std::string& action) const;
  // issue 10: operator API routes, asked in the order added.
  void add_api_route(ApiRoute route) { api_routes_.push_back(std::move(route)); }
  const std::vector<ApiRoute>& api_routes() const { return api_routes_; }

 private:
  std::map<std::string, std::map<std::string, Operation>> endpoints_;
  std::vector<ApiRoute> api_routes_;  // issue 10
};

// The XDS.b endpoints of DEVELOPERS.md: /xds/registry, /xds/repository and
// the combined /xds.
inline constexpr const char* kRegistryPath = "/xds/registry";
inline constexpr const char* kRepositoryPath = "/xds/repository";
inline constexpr const char* kCombinedPath = "/xds";
Router make_xds_router();

}  // namespace passerelle::gateway
