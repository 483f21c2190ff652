#include "error_mapping.hpp"

#include <string_view>

#include "passerelle/core/error_codes.hpp"
#include "passerelle/soap/namespaces.hpp"

namespace passerelle::gateway {
namespace {

constexpr const char* kPasserelleNs = "urn:passerelle:fault";
// The DMP access policy's refusal codes (gateway/policy refusal.hpp). The
// mapping (dmp-xds-mapping.md §6-7) names no namespace for them and they are
// no IHE codes: strict reading, they live in the namespace of our DMP
// operations (docs/dmp-operations.xsd). In a RegistryError they are the
// errorCode as is.
constexpr const char* kDmpNs = "urn:passerelle:dmp";

bool has_prefix(std::string_view code, std::string_view prefix) {
  return code.substr(0, prefix.size()) == prefix;
}

std::string after_colon(const std::string& code) {
  auto colon = code.find(':');
  return colon == std::string::npos ? code : code.substr(colon + 1);
}

}  // namespace

soap::Fault fault_for(const Error& error) {
  soap::Fault fault;
  fault.reason = error.message;
  if (!error.location.empty()) fault.detail = "at " + error.location;
  const std::string& code = error.code;

  if (code == codes::kVersionMismatch) {
    fault.code = soap::FaultCode::VersionMismatch;
  } else if (code == codes::kMustUnderstand) {
    fault.code = soap::FaultCode::MustUnderstand;
    // location is "{ns}local" of the block that was not understood.
    const auto& loc = error.location;
    auto close = loc.find('}');
    if (!loc.empty() && loc.front() == '{' && close != std::string::npos) {
      fault.not_understood = soap::QName{loc.substr(1, close - 1), loc.substr(close + 1)};
    }
  } else if (code == codes::kDataEncodingUnknown) {
    fault.code = soap::FaultCode::DataEncodingUnknown;
  } else if (has_prefix(code, "wsse:")) {
    // WS-Security 1.1 §12: the VIHF refusals (issue 6, docs/identity.md).
    fault.code = soap::FaultCode::Sender;
    fault.subcode = soap::QName{ns::kWsse, after_colon(code)};
  } else if (has_prefix(code, "wsa:")) {
    fault.code = soap::FaultCode::Sender;
    fault.subcode = soap::QName{ns::kWsa, after_colon(code)};
  } else if (code == codes::kInternalError) {
    fault.code = soap::FaultCode::Receiver;
    fault.subcode = soap::QName{kPasserelleNs, after_colon(code)};
    fault.detail.clear();  // internal details stay in the log
  } else if (has_prefix(code, "DMP_")) {
    fault.code = soap::FaultCode::Sender;
    fault.subcode = soap::QName{kDmpNs, code};
  } else if (has_prefix(code, "passerelle:")) {
    fault.code = soap::FaultCode::Sender;
    fault.subcode = soap::QName{kPasserelleNs, after_colon(code)};
  } else {
    // An IHE error code that reached the transport as a fault rather than as
    // a RegistryError: the request itself was unacceptable.
    fault.code = soap::FaultCode::Sender;
    fault.subcode = soap::QName{"urn:ihe:iti:2007", code};
  }
  return fault;
}

bool refused_as_fault(const Error& error) { return has_prefix(error.code, "wsse:"); }

unsigned http_status_for(const Error& error, const soap::Fault& fault) {
  if (error.code == codes::kUnsupportedMediaType) return 415;
  return fault.code == soap::FaultCode::Sender ? 400 : 500;
}

}  // namespace passerelle::gateway
