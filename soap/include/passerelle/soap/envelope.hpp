#pragma once

// SOAP 1.2 envelopes with WS-Addressing 1.0: decoding requests (plain or
// MTOM), encoding responses and faults.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/soap/attachment.hpp"
#include "passerelle/soap/mtom.hpp"

namespace passerelle::soap {

struct QName {
  std::string ns;
  std::string local;
  bool operator==(const QName&) const = default;
};

struct Addressing {
  std::string action;
  std::string message_id;
  std::string to;
  std::string reply_to;  // Address of ReplyTo; empty when absent
};

// A decoded request: the envelope DOM, its addressing headers and the
// attachments that xop:Include elements point to. A plain value: nothing in it
// refers back to the HTTP layer.
struct SoapRequest {
  xml::Document envelope;
  xercesc::DOMElement* header = nullptr;   // soap:Header, may be null
  xercesc::DOMElement* payload = nullptr;  // first element child of soap:Body, may be null
  Addressing addressing;
  std::vector<std::shared_ptr<const Attachment>> attachments;
  bool mtom = false;

  // Attachment by Content-ID (as in cid: URIs, percent-decoded, without <>).
  std::shared_ptr<const Attachment> attachment(std::string_view content_id) const;
};

struct DecodeOptions {
  xml::Limits xml_limits;
  // Parsers to reuse, kept by the caller across requests; null: a new one.
  const xml::ParserPool* parsers = nullptr;
  // Header blocks this endpoint processes besides WS-Addressing, e.g.
  // wsse:Security. A mustUnderstand="true"/"1" block not listed → MustUnderstand fault.
  std::vector<QName> understood_headers;
  // Inline base64 content larger than this is decoded to a temporary file.
  std::size_t spill_threshold = 1024u * 1024u;
  // Empty: the system temporary directory, looked up only when content spills
  // (the lookup reads the environment and stats the directory).
  std::filesystem::path spool_dir;
};

// application/soap+xml body. Throws Failure (kMalformedXml…, kVersionMismatch,
// kMalformedEnvelope, kMustUnderstand, kMessageAddressingHeaderRequired,
// kInvalidAddressingHeader). A missing wsa:Action is
// kMessageAddressingHeaderRequired.
SoapRequest decode(std::string envelope_bytes, const DecodeOptions& options);

// MTOM body: additionally every xop:Include must name an attachment
// (kUnresolvedXopInclude otherwise).
SoapRequest decode(MtomMessage message, const DecodeOptions& options);

// Best-effort read of the addressing headers of a request that failed to
// decode, so a fault can still carry RelatesTo. Never throws.
Addressing sniff_addressing(std::string_view envelope_bytes);

// Content of an element that carries binary data: either one xop:Include
// child (resolved against the request's attachments) or base64 text (decoded,
// hashed and spilled like an MTOM part). Throws Failure(kUnresolvedXopInclude)
// or Failure(kMalformedEnvelope) for bad base64.
std::shared_ptr<const Attachment> binary_content(const SoapRequest& request,
                                                 const xercesc::DOMElement& element,
                                                 const DecodeOptions& options);

struct SoapResponse {
  std::string action;       // wsa:Action of the response
  std::string relates_to;   // MessageID of the request
  std::string payload_xml;  // one element, serialized, becomes the Body's child
  std::vector<std::shared_ptr<const Attachment>> attachments;  // non-empty → MTOM
  std::string log_detail;  // internal cause for the gateway's log; never sent
};

enum class FaultCode { VersionMismatch, MustUnderstand, DataEncodingUnknown, Sender, Receiver };

struct Fault {
  FaultCode code = FaultCode::Sender;
  std::optional<QName> subcode;         // e.g. {kWsa, "ActionNotSupported"}
  std::string reason;                   // English, human readable
  std::string detail;                   // optional plain text detail
  std::optional<QName> not_understood;  // for MustUnderstand: the header block
};

struct Encoded {
  std::string content_type;
  std::string body;
};

// Response envelope with wsa:Action and wsa:RelatesTo; MTOM when attachments.
Encoded encode(const SoapResponse& response);

// Fault envelope; carries wsa:Action = the WS-Addressing fault action and
// wsa:RelatesTo = request.message_id when known.
Encoded encode_fault(const Fault& fault, const Addressing& request);

}  // namespace passerelle::soap
