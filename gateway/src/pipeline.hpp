#pragma once

// Turns one complete HTTP request into one reply: health, metrics, or a SOAP
// exchange (decode → route by (path, wsa:Action) → handler → encode), or the
// operator API (/api/, gateway/src/api/). Runs on
// a worker thread; holds no per-request state of its own.

#include <boost/beast/http/verb.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "identity/identity_step.hpp"
#include "incoming_body.hpp"
#include "metrics.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/gateway/config.hpp"
#include "passerelle/gateway/router.hpp"

namespace passerelle::store {
class ConnectionPool;
}
namespace passerelle::gateway::api {
class OperatorApi;
}

namespace passerelle::gateway {

struct InboundRequest {
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  std::string target;
  std::string content_type;
  IncomingBody::value_type body;
  CallContext context;
  std::string authorization;  // Authorization header, for the operator API (/api/)
};

struct OutboundReply {
  unsigned status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string endpoint;    // bounded label for metrics
  std::string action;      // bounded label for metrics ("" when not SOAP)
  std::string fault_code;  // for the log line
  std::string log_detail;  // internal cause, logged, never sent
};

class Pipeline {
 public:
  // `operator_api` null = the operator API is disabled (/api/ answers 404).
  Pipeline(const Router& router, const Metrics& metrics, store::ConnectionPool* pool,
           const ServerConfig& config, const api::OperatorApi* operator_api = nullptr);

  OutboundReply handle(InboundRequest& request) const;

 private:
  OutboundReply health(bool readiness) const;
  OutboundReply soap_exchange(const std::string& path, InboundRequest& request) const;

  const Router& router_;
  const Metrics& metrics_;
  store::ConnectionPool* pool_;
  const ServerConfig& config_;
  const api::OperatorApi* operator_api_;
  const identity::IdentityStep identity_;  // issue 6
  const xml::ParserPool parsers_;          // SOAP envelopes
};

}  // namespace passerelle::gateway
