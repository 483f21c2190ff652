#pragma once

// The identity step of every SOAP exchange (issue 6, docs/identity.md): after
// the envelope is decoded and before the handler runs, the VIHF is read and
// verified (soap/wss) and the profile decides whether one is required.

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "passerelle/core/error.hpp"
#include "passerelle/gateway/config.hpp"
#include "passerelle/gateway/router.hpp"
#include "passerelle/soap/wss.hpp"

namespace passerelle::gateway::identity {

// Told of every refused attempt, before the fault goes back, with the
// decoded request (the assertion as sent). The server plugs the trace table
// in here (R-TRACE-1, refusal_trace.hpp); the default only logs. It must not
// throw.
using RefusalHook = std::function<void(const Error& refusal, const soap::SoapRequest& request,
                                       const CallContext& call)>;
// The log line of a refusal (spdlog warning).
void log_refusal(const Error& refusal, const CallContext& call);

// The --vihf-trust bundle (null when not configured); throws Failure naming
// --vihf-trust when it cannot be loaded.
std::shared_ptr<const signature::TrustStore> load_trust(const ServerConfig& config);

class IdentityStep {
 public:
  // From the server configuration: vihf ("required" or anything else:
  // optional), vihf_trust (loaded once here; throws Failure naming
  // --vihf-trust when unreadable), vihf_clock_skew, vihf_match_tls.
  explicit IdentityStep(const ServerConfig& config, RefusalHook on_refusal = {});

  // The caller's AccessContext, or nullopt when no VIHF was sent and none is
  // required. Throws Failure with a wsse code (and tells the hook) when the
  // VIHF is missing but required, or present but not acceptable.
  // `envelope_bytes` are the bytes `request` was decoded from (the root part
  // for MTOM): signed XML is verified on its own libxml2 tree, parsed only
  // when the decoded header has a wsse:Security block.
  std::optional<soap::AccessContext> identify(const soap::SoapRequest& request,
                                              std::string_view envelope_bytes,
                                              const CallContext& call) const;

  bool required() const { return required_; }

 private:
  std::optional<soap::AccessContext> check(const soap::SoapRequest& request,
                                           std::string_view envelope_bytes,
                                           const CallContext& call) const;

  bool required_ = false;
  bool match_tls_ = false;
  soap::wss::VihfOptions options_;
  RefusalHook on_refusal_;
};

}  // namespace passerelle::gateway::identity
