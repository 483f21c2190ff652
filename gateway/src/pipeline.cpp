#include "pipeline.hpp"

#include <nlohmann/json.hpp>

#include "api/records_api.hpp"
#include "error_mapping.hpp"
#include "identity/refusal_trace.hpp"  // issue 6
#include "passerelle/core/error_codes.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/soap/namespaces.hpp"

namespace passerelle::gateway {
namespace http = boost::beast::http;

namespace {

OutboundReply plain(unsigned status, std::string content_type, std::string body) {
  OutboundReply reply;
  reply.status = status;
  reply.content_type = std::move(content_type);
  reply.body = std::move(body);
  return reply;
}

OutboundReply fault_reply(const Error& error, const soap::Addressing& request) {
  const soap::Fault fault = fault_for(error);
  auto encoded = soap::encode_fault(fault, request);
  OutboundReply reply = plain(http_status_for(error, fault), std::move(encoded.content_type),
                              std::move(encoded.body));
  reply.fault_code = error.code;
  return reply;
}

std::string path_of(const std::string& target) {
  return target.substr(0, target.find_first_of("?#"));
}

// issue 10: the routes registered with the XDS operations (XDM export and
// import), once the operator token is good; nullopt when none takes it.
std::optional<api::ApiReply> routed_api_reply(const api::OperatorApi* operator_api,
                                              const Router& router, InboundRequest& request) {
  if (operator_api == nullptr || !operator_api->authenticates(request.authorization)) return {};
  const ApiCall call{request.method, request.target, request.content_type, request.body.bytes,
                     request.context.request_id};
  for (const auto& route : router.api_routes()) {
    if (auto answer = route(call)) return answer;
  }
  return {};
}

// Operator API (gateway/src/api/): JSON in, JSON out (a ZIP for the XDM
// export), bearer token.
OutboundReply operator_api_reply(const api::OperatorApi* operator_api, const Router& router,
                                 InboundRequest& request) {
  auto routed = routed_api_reply(operator_api, router, request);  // issue 10
  const api::ApiReply answer =
      routed ? std::move(*routed)
      : operator_api == nullptr
          ? api::api_disabled()
          : operator_api->handle(request.method, request.target, request.authorization,
                                 request.content_type, request.body.bytes,
                                 request.context.request_id);
  OutboundReply reply = plain(answer.status, answer.content_type, answer.body);
  reply.headers = answer.headers;
  reply.log_detail = answer.log_detail;
  reply.endpoint = "/api";
  return reply;
}

}  // namespace

Pipeline::Pipeline(const Router& router, const Metrics& metrics, store::ConnectionPool* pool,
                   const ServerConfig& config, const api::OperatorApi* operator_api)
    : router_(router),
      metrics_(metrics),
      pool_(pool),
      config_(config),
      operator_api_(operator_api),
      identity_(config, identity::refusal_tracer(pool)) {}  // issue 6: refusals traced

OutboundReply Pipeline::handle(InboundRequest& request) const {
  const std::string path = path_of(request.target);
  OutboundReply reply;
  if (path == "/health" || path == "/health/ready" || path == "/health/live" ||
      path == "/metrics") {
    if (request.method != http::verb::get && request.method != http::verb::head) {
      reply = plain(405, "text/plain", "method not allowed\n");
      reply.headers.emplace_back("Allow", "GET, HEAD");
    } else if (path == "/metrics") {
      std::optional<store::PoolStats> stats;
      if (pool_ != nullptr) stats = pool_->stats();
      reply = plain(200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics_.render(stats ? &*stats : nullptr));
    } else {
      reply = health(path != "/health/live");
    }
    reply.endpoint = path;
    return reply;
  }
  if (router_.has_endpoint(path)) {
    if (request.method != http::verb::post) {
      reply = plain(405, "text/plain", "SOAP endpoints accept POST only\n");
      reply.headers.emplace_back("Allow", "POST");
    } else {
      reply = soap_exchange(path, request);
    }
    reply.endpoint = path;
    return reply;
  }
  if (path == "/api" || path.starts_with(api::kApiPrefix)) {
    return operator_api_reply(operator_api_, router_, request);
  }
  reply = plain(404, "text/plain", "no such endpoint\n");
  reply.endpoint = "other";
  return reply;
}

OutboundReply Pipeline::health(bool readiness) const {
  nlohmann::json body = {{"status", "up"}};
  unsigned status = 200;
  if (readiness) {
    const bool database_up = pool_ != nullptr && pool_->ping();
    body["database"] = pool_ == nullptr ? "not configured" : (database_up ? "up" : "down");
    if (!database_up) {
      body["status"] = "down";
      status = 503;
    }
  }
  return plain(status, "application/json", body.dump() + "\n");
}

OutboundReply Pipeline::soap_exchange(const std::string& path, InboundRequest& request) const {
  soap::DecodeOptions options;
  options.xml_limits.max_bytes = config_.max_body_bytes;
  options.parsers = &parsers_;
  options.understood_headers = router_.understood_headers(path);
  // The identity step (issue 6) processes wsse:Security on every endpoint.
  options.understood_headers.push_back({ns::kWsse, "Security"});
  options.spill_threshold = config_.spill_threshold;
  if (!config_.spool_dir.empty()) options.spool_dir = config_.spool_dir;

  auto& body = request.body;
  if (body.error) return fault_reply(*body.error, {});

  std::string envelope_bytes;
  std::optional<soap::SoapRequest> decoded;
  try {
    if (body.message) {
      envelope_bytes = body.message->root;
      decoded.emplace(soap::decode(std::move(*body.message), options));
    } else {
      if (request.content_type.empty()) {
        throw Failure(codes::kUnsupportedMediaType, "Content-Type", "missing Content-Type");
      }
      const auto media = soap::parse_media_type(request.content_type);
      // text/xml is SOAP 1.1's media type: let the envelope check answer with
      // VersionMismatch rather than refusing the media type.
      if (media.type != "application/soap+xml" && media.type != "text/xml") {
        throw Failure(
            codes::kUnsupportedMediaType, "Content-Type",
            "expected application/soap+xml or multipart/related (MTOM), got '" + media.type + "'");
      }
      envelope_bytes = body.bytes;
      decoded.emplace(soap::decode(std::move(body.bytes), options));
    }
  } catch (const Failure& failure) {
    return fault_reply(failure.error(), soap::sniff_addressing(envelope_bytes));
  }

  const soap::SoapRequest& soap_request = *decoded;
  const soap::Addressing& addressing = soap_request.addressing;
  const Operation* operation = router_.find(path, addressing.action);
  if (operation == nullptr) {
    OutboundReply reply =
        fault_reply(Error{codes::kActionNotSupported, Severity::Error, addressing.action,
                          "the action '" + addressing.action + "' is not supported at " + path},
                    addressing);
    reply.action = "unknown";
    return reply;
  }

  // issue 5 (ITI-62): known before the identity step, which sees the context.
  request.context.operator_authenticated =
      operator_api_ != nullptr && operator_api_->authenticates(request.authorization);
  // ---- issue 6: who is calling (gateway/src/identity/), before any handler ----
  try {
    request.context.access = identity_.identify(soap_request, envelope_bytes, request.context);
  } catch (const Failure& failure) {
    OutboundReply refused = fault_reply(failure.error(), addressing);
    refused.log_detail = failure.error().message;
    refused.action = addressing.action;
    return refused;
  }
  // ---- end issue 6 ----
  OutboundReply reply;
  try {
    soap::SoapResponse response = operation->handler(soap_request, request.context);
    if (response.relates_to.empty()) response.relates_to = addressing.message_id;
    auto encoded = soap::encode(response);
    reply = plain(200, std::move(encoded.content_type), std::move(encoded.body));
    reply.log_detail = std::move(response.log_detail);
  } catch (const Failure& failure) {
    reply = fault_reply(failure.error(), addressing);
  } catch (const std::exception& e) {
    // The client learns only that it failed; the cause goes to the log.
    reply = fault_reply(Error{codes::kInternalError, Severity::Error, "",
                              "internal error while handling the request"},
                        addressing);
    reply.log_detail = e.what();
  }
  reply.action = addressing.action;
  return reply;
}

}  // namespace passerelle::gateway
