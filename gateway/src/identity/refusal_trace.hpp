#pragma once

// R-TRACE-1 for the identity step (issue 6, docs/identity.md): a refused VIHF
// is an attempt on a record, traced as a refused `authenticate`. The
// assertion was not accepted, so who it names is only what it claims: read
// from the decoded header as sent, never trusted for anything but the trace.

#include <string>

#include "identity/identity_step.hpp"
#include "passerelle/registry/traces.hpp"

namespace passerelle::store {
class ConnectionPool;
}

namespace passerelle::gateway::identity {

// The trace of `refusal`: actor fields from the first saml:Assertion of
// wsse:Security when they can be read (else empty), patient = its
// resource-id when readable, else "" (the identity step runs before the body
// is read, so the request's own patient is not known yet).
store::Trace refusal_trace(const Error& refusal, const soap::SoapRequest& request,
                           const CallContext& call);

// Logs every refusal and, when `pool` is not null, appends its trace. A
// trace that cannot be written (database down) is logged: the refusal still
// goes back as its fault.
RefusalHook refusal_tracer(store::ConnectionPool* pool);

}  // namespace passerelle::gateway::identity
