#include "passerelle/conformance/xds_messages.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <map>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/soap/mtom.hpp"
#include "passerelle/soap/namespaces.hpp"
#include "text.hpp"

namespace passerelle::conformance {
namespace {

constexpr const char* kXdsb = "urn:ihe:iti:xds-b:2007";

std::string message_id() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string out = "urn:uuid:";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 0x0F];
  }
  return out;
}

std::string envelope(const std::string& action, const std::string& to, const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
         "<soapenv:Envelope xmlns:soapenv=\"http://www.w3.org/2003/05/soap-envelope\" "
         "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><soapenv:Header>"
         "<wsa:Action soapenv:mustUnderstand=\"1\">" +
         xml::escape(action) + "</wsa:Action><wsa:MessageID>" + message_id() +
         "</wsa:MessageID><wsa:To soapenv:mustUnderstand=\"1\">" + xml::escape(to) +
         "</wsa:To><wsa:ReplyTo><wsa:Address>" + passerelle::ns::kWsaAnonymous +
         "</wsa:Address></wsa:ReplyTo></soapenv:Header><soapenv:Body>" + body +
         "</soapenv:Body></soapenv:Envelope>";
}

std::string attribute_or(const xercesc::DOMElement& element, const char* name) {
  return xml::attribute(element, name).value_or("");
}

void collect_errors(const xercesc::DOMElement& element, std::vector<RegistryErrorSeen>& out) {
  for (const auto* child : xml::child_elements(element)) {
    const auto name = xml::local_name(*child);
    if (name == "RegistryError") {
      out.push_back({attribute_or(*child, "errorCode"), attribute_or(*child, "codeContext"),
                     attribute_or(*child, "severity"), attribute_or(*child, "location")});
    } else if (name == "RegistryErrorList" || name == "RegistryResponse") {
      collect_errors(*child, out);
    }
  }
}

std::string child_text(const xercesc::DOMElement& parent, const char* local) {
  const auto* child = xml::first_child_element(parent, kXdsb, local);
  return child == nullptr ? "" : trim(xml::text_content(*child));
}

}  // namespace

std::string without_xml_declaration(std::string text) {
  const auto start = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (start != std::string::npos && text.compare(start, 5, "<?xml") == 0) {
    text.erase(0, text.find("?>", start) + 2);
  }
  return text;
}

std::string base64_encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string base64_decode(const std::string& text) {
  std::string clean;
  for (const char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  }
  if (clean.size() % 4 != 0)
    throw Failure(kHarnessError, "base64", "base64 length not a multiple of 4");
  std::string out(clean.size() / 4 * 3, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(clean.data()),
                                      static_cast<int>(clean.size()));
  if (written < 0) throw Failure(kHarnessError, "base64", "malformed base64");
  std::size_t size = static_cast<std::size_t>(written);
  // EVP_DecodeBlock counts the padding as zero bytes.
  if (!clean.empty() && clean.back() == '=') --size;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

OutgoingMessage provide_and_register(const std::string& submit_objects, const std::string& to,
                                     const std::vector<DocumentPart>& documents, bool mtom,
                                     const EnvelopeHook& hook) {
  std::string body =
      "<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb=\"urn:ihe:iti:xds-b:2007\">" +
      without_xml_declaration(submit_objects);
  std::vector<std::shared_ptr<const soap::Attachment>> attachments;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    body += "<xdsb:Document id=\"" + xml::escape(documents[i].id) + "\">";
    if (mtom) {
      const std::string cid = "document" + std::to_string(i + 1) + "@passerelle-conformance";
      body += "<xop:Include xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:" + cid +
              "\"/>";
      attachments.push_back(
          soap::Attachment::from_bytes(cid, documents[i].mime_type, documents[i].bytes));
    } else {
      body += base64_encode(documents[i].bytes);
    }
    body += "</xdsb:Document>";
  }
  body += "</xdsb:ProvideAndRegisterDocumentSetRequest>";
  std::string root = envelope(action::kProvideAndRegister, to, body);
  if (hook) root = hook(root);
  if (!mtom) return {action::kProvideAndRegister, "application/soap+xml; charset=UTF-8", root};
  auto written = soap::write_mtom(root, action::kProvideAndRegister, attachments);
  return {action::kProvideAndRegister, std::move(written.content_type), std::move(written.body)};
}

OutgoingMessage soap_request(const std::string& action, const std::string& payload,
                             const std::string& to, const EnvelopeHook& hook) {
  std::string built = envelope(action, to, without_xml_declaration(payload));
  if (hook) built = hook(built);
  return {action, "application/soap+xml; charset=UTF-8; action=\"" + action + "\"",
          std::move(built)};
}

std::string record_status_request(const std::string& patient) {
  return "<dmp:RecordStatusRequest xmlns:dmp=\"urn:passerelle:dmp\"><dmp:PatientId>" +
         xml::escape(patient) + "</dmp:PatientId></dmp:RecordStatusRequest>";
}

std::string declare_consent_request(const std::string& patient, const std::string& action) {
  return "<dmp:DeclareConsentRequest xmlns:dmp=\"urn:passerelle:dmp\"><dmp:PatientId>" +
         xml::escape(patient) + "</dmp:PatientId>" +
         (action.empty() ? "" : "<dmp:Action>" + xml::escape(action) + "</dmp:Action>") +
         "</dmp:DeclareConsentRequest>";
}

std::string IncomingMessage::error_codes() const {
  std::string out;
  for (const auto& error : errors) out += (out.empty() ? "" : ",") + error.code;
  return out;
}

std::string IncomingMessage::short_status() const {
  if (status.empty()) return payload_name == "Fault" ? "SOAP fault" : "(no status)";
  return status.substr(status.rfind(':') + 1);
}

IncomingMessage read_reply(const HttpResponse& response) {
  IncomingMessage message;
  message.http_status = response.status;
  std::map<std::string, std::string> attachments;
  const std::string content_type = response.header("content-type");
  if (content_type.rfind("multipart/related", 0) == 0) {
    soap::MtomParser parser(soap::parse_media_type(content_type), soap::MtomLimits{});
    parser.feed(response.body);
    auto mtom = parser.finish();
    message.envelope = mtom.root;
    for (const auto& attachment : mtom.attachments) {
      attachments[attachment->content_id()] = attachment->read_all();
    }
  } else {
    message.envelope = response.body;
  }
  if (trim(message.envelope).empty()) {
    throw Failure(kHarnessError, "reply",
                  "HTTP " + std::to_string(response.status) + " with no SOAP envelope");
  }
  const auto document = xml::parse(message.envelope, {}, "reply");
  const auto* body = xml::first_child_element(document.root(), passerelle::ns::kSoap12, "Body");
  if (body == nullptr) throw Failure(kHarnessError, "reply", "the reply has no SOAP 1.2 Body");
  const auto children = xml::child_elements(*body);
  if (children.empty()) throw Failure(kHarnessError, "reply", "the reply has an empty SOAP Body");
  const auto& payload = *children.front();
  message.payload = xml::serialize(payload);
  message.payload_name = xml::local_name(payload);
  if (message.payload_name == "Fault") {
    std::string text;
    for (const auto* part : xml::child_elements(payload)) {
      const auto name = xml::local_name(*part);
      if (name == "Code" || name == "Reason") {
        // Code holds Value and Subcode/Value; Reason holds Text: one word each.
        std::vector<const xercesc::DOMElement*> pending{part};
        while (!pending.empty()) {
          const auto* element = pending.back();
          pending.pop_back();
          const auto children = xml::child_elements(*element);
          if (children.empty()) {
            text += (text.empty() ? "" : " ") + trim(xml::text_content(*element));
          }
          for (auto it = children.rbegin(); it != children.rend(); ++it) pending.push_back(*it);
        }
      }
    }
    message.fault_reason = text;
    return message;
  }
  message.status = attribute_or(payload, "status");
  if (message.status.empty()) {
    if (const auto* inner = xml::first_child_element(
            payload, "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0", "RegistryResponse")) {
      message.status = attribute_or(*inner, "status");
    }
  }
  collect_errors(payload, message.errors);
  for (const auto* item : xml::child_elements(payload, kXdsb, "DocumentResponse")) {
    RetrievedDocument document;
    document.repository_unique_id = child_text(*item, "RepositoryUniqueId");
    document.document_unique_id = child_text(*item, "DocumentUniqueId");
    document.mime_type = child_text(*item, "mimeType");
    if (const auto* content = xml::first_child_element(*item, kXdsb, "Document")) {
      if (const auto* include =
              xml::first_child_element(*content, passerelle::ns::kXop, "Include")) {
        std::string href = attribute_or(*include, "href");
        if (href.rfind("cid:", 0) == 0) href = href.substr(4);
        const auto found = attachments.find(href);
        if (found == attachments.end()) {
          throw Failure(kHarnessError, "reply", "xop:Include names a missing part " + href);
        }
        document.bytes = found->second;
      } else {
        document.bytes = base64_decode(xml::text_content(*content));
      }
    }
    message.documents.push_back(std::move(document));
  }
  return message;
}

}  // namespace passerelle::conformance
