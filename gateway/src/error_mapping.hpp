#pragma once

// The one place where an internal Error becomes what a client sees.

#include "passerelle/core/error.hpp"
#include "passerelle/soap/envelope.hpp"

namespace passerelle::gateway {

soap::Fault fault_for(const Error& error);

// dmp-xds-mapping.md §7: a refused identity (any wsse: code, e.g. a VIHF
// whose resource-id is not the request's patient) is a SOAP fault, never a
// RegistryError inside a response: the XDS handlers rethrow such a Failure
// instead of answering it.
bool refused_as_fault(const Error& error);

// SOAP 1.2 HTTP binding (W3C SOAP 1.2 part 2 §7.5.1.2, table 20): Sender
// faults are 400, every other fault 500; a body that is no SOAP message at
// all (unsupported media type) is 415, still with a fault body.
unsigned http_status_for(const Error& error, const soap::Fault& fault);

}  // namespace passerelle::gateway
