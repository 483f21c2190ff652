// Encoding of SOAP 1.2 responses and faults with WS-Addressing 1.0 headers.
// Written as escaped text: nothing here is signed, so no canonical form is
// needed, and the payload arrives already serialised.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/random.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/soap/envelope.hpp"
#include "passerelle/soap/mtom.hpp"
#include "passerelle/soap/namespaces.hpp"

namespace passerelle::soap {
namespace {

std::string fresh_message_id() {
  auto id = random::uuid_urn();
  if (!id) throw Failure(codes::kInternalError, "wsa:MessageID", "random generator failed");
  return std::move(*id);
}

// RFC 9110 quoted-string for the action parameter.
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string soap_content_type(std::string_view action) {
  // The value becomes an HTTP header: a control character could split it.
  for (const char c : action) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      throw Failure(codes::kInternalError, "wsa:Action", "control character in action");
    }
  }
  return "application/soap+xml; charset=UTF-8; action=" + quoted(action);
}

std::string envelope_open() {
  return std::string("<env:Envelope xmlns:env=\"") + ns::kSoap12 + "\" xmlns:wsa=\"" + ns::kWsa +
         "\">";
}

std::string addressing_headers(std::string_view action, std::string_view relates_to) {
  std::string out =
      "<wsa:Action env:mustUnderstand=\"true\">" + xml::escape(action) + "</wsa:Action>";
  if (!relates_to.empty()) out += "<wsa:RelatesTo>" + xml::escape(relates_to) + "</wsa:RelatesTo>";
  out += "<wsa:MessageID>" + fresh_message_id() + "</wsa:MessageID>";
  return out;
}

const char* code_value(FaultCode code) {
  switch (code) {
    case FaultCode::VersionMismatch:
      return "env:VersionMismatch";
    case FaultCode::MustUnderstand:
      return "env:MustUnderstand";
    case FaultCode::DataEncodingUnknown:
      return "env:DataEncodingUnknown";
    case FaultCode::Sender:
      return "env:Sender";
    case FaultCode::Receiver:
      return "env:Receiver";
  }
  return "env:Receiver";
}

// A QName as element or attribute content, with its prefix declared on the
// element that carries it: the fixed prefix can never clash with env/wsa.
struct QNameText {
  std::string declaration;  // ` xmlns:p="ns"` or empty
  std::string value;        // `p:local` or `local`
};

QNameText qname_text(const QName& name, std::string_view prefix) {
  if (name.ns.empty()) return {"", xml::escape(name.local)};
  return {" xmlns:" + std::string(prefix) + "=\"" + xml::escape(name.ns) + "\"",
          std::string(prefix) + ":" + xml::escape(name.local)};
}

}  // namespace

Encoded encode(const SoapResponse& response) {
  std::string content_type = soap_content_type(response.action);
  std::string envelope = envelope_open();
  const std::string headers = addressing_headers(response.action, response.relates_to);
  // Answers can be large (stored queries): the payload is copied once.
  envelope.reserve(envelope.size() + headers.size() + response.payload_xml.size() + 80);
  envelope += "<env:Header>";
  envelope += headers;
  envelope += "</env:Header><env:Body>";
  envelope += response.payload_xml;
  envelope += "</env:Body></env:Envelope>";
  if (response.attachments.empty()) {
    return Encoded{std::move(content_type), std::move(envelope)};
  }
  MtomBody mtom = write_mtom(envelope, response.action, response.attachments);
  return Encoded{std::move(mtom.content_type), std::move(mtom.body)};
}

// SOAP 1.2 part 1 §5.4; NotUnderstood header block per §5.4.8.
Encoded encode_fault(const Fault& fault, const Addressing& request) {
  std::string out = envelope_open();
  out += "<env:Header>";
  if (fault.code == FaultCode::MustUnderstand && fault.not_understood) {
    const QNameText q = qname_text(*fault.not_understood, "nu");
    out += "<env:NotUnderstood" + q.declaration + " qname=\"" + q.value + "\"/>";
  }
  out += addressing_headers(ns::kWsaFaultAction, request.message_id);
  out += "</env:Header><env:Body><env:Fault><env:Code><env:Value>";
  out += code_value(fault.code);
  out += "</env:Value>";
  if (fault.subcode) {
    const QNameText q = qname_text(*fault.subcode, "sub");
    out += "<env:Subcode><env:Value" + q.declaration + ">" + q.value + "</env:Value></env:Subcode>";
  }
  out += "</env:Code><env:Reason><env:Text xml:lang=\"en\">" + xml::escape(fault.reason) +
         "</env:Text></env:Reason>";
  if (!fault.detail.empty()) out += "<env:Detail>" + xml::escape(fault.detail) + "</env:Detail>";
  out += "</env:Fault></env:Body></env:Envelope>";
  return Encoded{soap_content_type(ns::kWsaFaultAction), std::move(out)};
}

}  // namespace passerelle::soap
