#pragma once

// Request builders shared by integration tests.

#include <string>

namespace passerelle::testing {

inline constexpr const char* kSoapContentType = "application/soap+xml; charset=UTF-8";

// A SOAP 1.2 envelope with WS-Addressing headers; `extra_headers` and `body`
// are inserted verbatim.
std::string envelope(const std::string& action, const std::string& message_id,
                     const std::string& body = "<t:ping xmlns:t=\"urn:test\"/>",
                     const std::string& extra_headers = "");

// An MTOM request: root envelope plus one attachment with Content-ID `cid`.
struct MtomRequest {
  std::string content_type;
  std::string body;
};
MtomRequest mtom_request(const std::string& envelope_xml, const std::string& cid,
                         const std::string& attachment);

}  // namespace passerelle::testing
