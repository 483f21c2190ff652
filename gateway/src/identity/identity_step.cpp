#include "identity_step.hpp"

#include <spdlog/spdlog.h>

#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/soap/namespaces.hpp"

namespace passerelle::gateway::identity {

void log_refusal(const Error& refusal, const CallContext& call) {
  spdlog::warn("vihf_refused request_id={} peer={} code={} reason={}", call.request_id, call.peer,
               refusal.code, refusal.message);
}

std::shared_ptr<const signature::TrustStore> load_trust(const ServerConfig& config) {
  if (config.vihf_trust.empty()) return nullptr;
  try {
    return signature::TrustStore::from_pem_file(config.vihf_trust.string());
  } catch (const Failure& failure) {
    throw Failure(codes::kInternalError, "--vihf-trust",
                  "cannot load the VIHF trust bundle '" + config.vihf_trust.string() +
                      "': " + failure.error().message);
  }
}

IdentityStep::IdentityStep(const ServerConfig& config, RefusalHook on_refusal)
    : required_(config.vihf == "required"),
      match_tls_(config.vihf_match_tls),
      on_refusal_(on_refusal
                      ? std::move(on_refusal)
                      : RefusalHook([](const Error& refusal, const soap::SoapRequest&,
                                       const CallContext& call) { log_refusal(refusal, call); })) {
  options_.trust = load_trust(config);
  options_.clock_skew = config.vihf_clock_skew;
  options_.xml_limits.max_bytes = config.max_body_bytes;
}

std::optional<soap::AccessContext> IdentityStep::identify(const soap::SoapRequest& request,
                                                          std::string_view envelope_bytes,
                                                          const CallContext& call) const {
  try {
    return check(request, envelope_bytes, call);
  } catch (const Failure& failure) {
    on_refusal_(failure.error(), request, call);
    throw;
  }
}

std::optional<soap::AccessContext> IdentityStep::check(const soap::SoapRequest& request,
                                                       std::string_view envelope_bytes,
                                                       const CallContext& call) const {
  const bool has_security =
      request.header != nullptr &&
      xml::first_child_element(*request.header, ns::kWsse, "Security") != nullptr;
  auto context = has_security ? soap::wss::read_vihf(envelope_bytes, options_) : std::nullopt;
  if (!context) {
    if (required_) {
      throw Failure(codes::kInvalidSecurity, "wsse:Security",
                    "VIHF: this service requires a signed VIHF assertion in wsse:Security");
    }
    return std::nullopt;
  }
  if (match_tls_) soap::wss::check_tls_client(*context, call.client_subject);
  return context;
}

}  // namespace passerelle::gateway::identity
