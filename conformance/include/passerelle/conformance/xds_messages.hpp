#pragma once

// SOAP 1.2 / WS-Addressing / MTOM messages of the XDS.b transactions the
// harness sends, and the reading of what comes back (plain SOAP or MTOM,
// RegistryResponse, AdhocQueryResponse, RetrieveDocumentSetResponse or a
// SOAP fault). Built on soap/ (MTOM writer and parser) and core's parser.

#include <functional>
#include <string>
#include <vector>

#include "passerelle/conformance/http_client.hpp"

namespace passerelle::conformance {

namespace action {
inline constexpr const char* kProvideAndRegister =
    "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b";
inline constexpr const char* kRegister = "urn:ihe:iti:2007:RegisterDocumentSet-b";
inline constexpr const char* kStoredQuery = "urn:ihe:iti:2007:RegistryStoredQuery";
inline constexpr const char* kRetrieve = "urn:ihe:iti:2007:RetrieveDocumentSet";
inline constexpr const char* kUpdate = "urn:ihe:iti:2010:UpdateDocumentSet";
inline constexpr const char* kRemoveMetadata = "urn:ihe:iti:2010:DeleteDocumentSet";
// Professional-side DMP operations (docs/dmp-operations.xsd).
inline constexpr const char* kRecordStatus = "urn:passerelle:dmp:RecordStatus";
inline constexpr const char* kDeclareConsent = "urn:passerelle:dmp:DeclareConsent";
}  // namespace action

// Applied to the SOAP envelope before it is sent (and before MTOM packaging):
// the harness adds the step's signed VIHF this way. Empty = sent as built.
using EnvelopeHook = std::function<std::string(const std::string& envelope)>;

struct DocumentPart {
  std::string id;  // xdsb:Document/@id
  std::string mime_type;
  std::string bytes;
};

struct OutgoingMessage {
  std::string action;
  std::string content_type;
  std::string body;
};

// ITI-41: MTOM (xop:Include parts) or, for <NoMTOM/>, inline base64.
OutgoingMessage provide_and_register(const std::string& submit_objects, const std::string& to,
                                     const std::vector<DocumentPart>& documents, bool mtom,
                                     const EnvelopeHook& hook = {});
// Any other request: `payload` (one element, no XML declaration) in a SOAP
// 1.2 envelope with wsa:Action, MessageID, To and ReplyTo.
OutgoingMessage soap_request(const std::string& action, const std::string& payload,
                             const std::string& to, const EnvelopeHook& hook = {});
// dmp:RecordStatusRequest / dmp:DeclareConsentRequest (action "" = declare).
std::string record_status_request(const std::string& patient);
std::string declare_consent_request(const std::string& patient, const std::string& action);

struct RegistryErrorSeen {
  std::string code;
  std::string context;
  std::string severity;
  std::string location;
};

struct RetrievedDocument {
  std::string repository_unique_id;
  std::string document_unique_id;
  std::string mime_type;
  std::string bytes;
};

struct IncomingMessage {
  unsigned http_status = 0;
  std::string envelope;      // the SOAP envelope as received (root part for MTOM)
  std::string payload;       // first child of soap:Body, serialized
  std::string payload_name;  // its local name ("Fault" for a SOAP fault)
  std::string fault_reason;  // Code/Subcode and Reason of a fault
  std::string status;        // full URN of the ebRS status, "" when none
  std::vector<RegistryErrorSeen> errors;
  std::vector<RetrievedDocument> documents;  // ITI-43 only
  std::string error_codes() const;           // "A,B"
  std::string short_status() const;          // "Success", "Failure", …
};

// Throws Failure when the body is not a SOAP envelope (HTML error page,
// broken MTOM): the caller reports the step as failed with that reason.
IncomingMessage read_reply(const HttpResponse& response);

std::string base64_encode(const std::string& bytes);
std::string base64_decode(const std::string& text);
std::string without_xml_declaration(std::string text);

}  // namespace passerelle::conformance
