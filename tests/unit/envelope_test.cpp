#define BOOST_TEST_MODULE envelope
#include "passerelle/soap/envelope.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/soap/namespaces.hpp"

namespace xml = passerelle::xml;
namespace soap = passerelle::soap;
namespace codes = passerelle::codes;
namespace ns = passerelle::ns;
using passerelle::Failure;

namespace {

struct XercesFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XercesFixture);

const std::string kEnv = "http://www.w3.org/2003/05/soap-envelope";
const std::string kWsaNs = "http://www.w3.org/2005/08/addressing";
const std::string kQuickFox = "The quick brown fox jumps over the lazy dog";
const std::string kQuickFoxBase64 = "VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZw==";
const std::string kQuickFoxSha1 = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12";

std::string envelope(const std::string& headers, const std::string& body,
                     const std::string& env_ns = kEnv) {
  return "<s:Envelope xmlns:s=\"" + env_ns + "\" xmlns:a=\"" + kWsaNs +
         "\" xmlns:x=\"urn:x\" xmlns:xop=\"http://www.w3.org/2004/08/xop/include\">"
         "<s:Header>" +
         headers + "</s:Header><s:Body>" + body + "</s:Body></s:Envelope>";
}

const std::string kAction =
    "<a:Action s:mustUnderstand=\"1\">  urn:ihe:iti:2007:RegisterDocumentSet-b\n</a:Action>";
const std::string kMessageId =
    "<a:MessageID>urn:uuid:11111111-2222-4333-8444-555555555555</a:MessageID>";

soap::DecodeOptions options() { return soap::DecodeOptions{}; }

passerelle::Error decode_error(const std::string& bytes,
                               const soap::DecodeOptions& opts = options()) {
  try {
    soap::decode(bytes, opts);
  } catch (const Failure& f) {
    return f.error();
  }
  BOOST_FAIL("decode succeeded but should have failed");
  return {};
}

passerelle::Error decode_error(soap::MtomMessage message) {
  try {
    soap::decode(std::move(message), options());
  } catch (const Failure& f) {
    return f.error();
  }
  BOOST_FAIL("decode succeeded but should have failed");
  return {};
}

soap::MtomMessage mtom(const std::string& root,
                       std::vector<std::shared_ptr<const soap::Attachment>> attachments) {
  soap::MtomMessage m;
  m.content_type = soap::MediaType{"multipart/related", {{"type", "application/xop+xml"}}};
  m.root_type = soap::MediaType{"application/xop+xml", {{"type", "application/soap+xml"}}};
  m.root = root;
  m.attachments = std::move(attachments);
  return m;
}

std::string header_text(const xml::Document& doc, const char* local) {
  auto* header = xml::first_child_element(doc.root(), kEnv, "Header");
  BOOST_REQUIRE(header != nullptr);
  auto* e = xml::first_child_element(*header, kWsaNs, local);
  return e != nullptr ? xml::text_content(*e) : std::string("<absent>");
}

}  // namespace

BOOST_AUTO_TEST_CASE(decodes_all_addressing_headers) {
  const std::string bytes = envelope(
      kAction + kMessageId +
          "<a:To> https://registry.example/xds </a:To>"
          "<a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address>"
          "</a:ReplyTo><a:From><a:Address>urn:me</a:Address></a:From>"
          "<a:FaultTo><a:Address>urn:faults</a:Address></a:FaultTo>"
          "<a:RelatesTo>urn:uuid:earlier</a:RelatesTo>",
      "<x:Request><x:Item/></x:Request>");
  const soap::SoapRequest request = soap::decode(bytes, options());
  BOOST_TEST(request.addressing.action == "urn:ihe:iti:2007:RegisterDocumentSet-b");
  BOOST_TEST(request.addressing.message_id == "urn:uuid:11111111-2222-4333-8444-555555555555");
  BOOST_TEST(request.addressing.to == "https://registry.example/xds");
  BOOST_TEST(request.addressing.reply_to == ns::kWsaAnonymous);
  BOOST_REQUIRE(request.header != nullptr);
  BOOST_TEST(xml::is_element(*request.header, kEnv, "Header"));
  BOOST_REQUIRE(request.payload != nullptr);
  BOOST_TEST(xml::is_element(*request.payload, "urn:x", "Request"));
  BOOST_TEST(!request.mtom);
  BOOST_TEST(request.attachments.empty());
}

BOOST_AUTO_TEST_CASE(empty_body_has_no_payload) {
  const soap::SoapRequest request = soap::decode(envelope(kAction, ""), options());
  BOOST_TEST(request.payload == nullptr);
  BOOST_TEST(request.addressing.message_id.empty());
}

BOOST_AUTO_TEST_CASE(soap11_is_version_mismatch) {
  const auto e = decode_error(envelope(kAction, "<x:R/>", ns::kSoap11));
  BOOST_TEST(e.code == codes::kVersionMismatch);
}

BOOST_AUTO_TEST_CASE(not_an_envelope_is_version_mismatch) {
  BOOST_TEST(decode_error("<x:Envelope xmlns:x=\"urn:x\"/>").code == codes::kVersionMismatch);
  BOOST_TEST(decode_error("<html/>").code == codes::kVersionMismatch);
}

BOOST_AUTO_TEST_CASE(bad_xml_keeps_xml_code) {
  BOOST_TEST(decode_error("<s:Envelope").code == codes::kMalformedXml);
  BOOST_TEST(decode_error("<!DOCTYPE s><s/>").code == codes::kForbiddenXmlConstruct);
}

BOOST_AUTO_TEST_CASE(missing_body) {
  const std::string bytes = "<s:Envelope xmlns:s=\"" + kEnv + "\" xmlns:a=\"" + kWsaNs +
                            "\"><s:Header>" + kAction + "</s:Header></s:Envelope>";
  BOOST_TEST(decode_error(bytes).code == codes::kMalformedEnvelope);
}

BOOST_AUTO_TEST_CASE(two_bodies) {
  const std::string bytes = "<s:Envelope xmlns:s=\"" + kEnv + "\" xmlns:a=\"" + kWsaNs +
                            "\"><s:Header>" + kAction +
                            "</s:Header><s:Body/><s:Body/></s:Envelope>";
  const auto e = decode_error(bytes);
  BOOST_TEST(e.code == codes::kMalformedEnvelope);
  BOOST_TEST(e.message.find("more than one") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(element_after_body_or_header_misplaced) {
  const std::string open = "<s:Envelope xmlns:s=\"" + kEnv + "\" xmlns:a=\"" + kWsaNs + "\">";
  BOOST_TEST(
      decode_error(open + "<s:Header>" + kAction + "</s:Header><s:Body/><x/></s:Envelope>").code ==
      codes::kMalformedEnvelope);
  BOOST_TEST(
      decode_error(open + "<s:Body/><s:Header>" + kAction + "</s:Header></s:Envelope>").code ==
      codes::kMalformedEnvelope);
  BOOST_TEST(
      decode_error(open + "text<s:Header>" + kAction + "</s:Header><s:Body/></s:Envelope>").code ==
      codes::kMalformedEnvelope);
}

BOOST_AUTO_TEST_CASE(unknown_mandatory_header_is_must_understand) {
  const auto e =
      decode_error(envelope(kAction + "<x:Secret s:mustUnderstand=\"true\"/>", "<x:R/>"));
  BOOST_TEST(e.code == codes::kMustUnderstand);
  BOOST_TEST(e.location == "{urn:x}Secret");
  // "1" is true as well.
  BOOST_TEST(
      decode_error(envelope(kAction + "<x:Secret s:mustUnderstand=\"1\"/>", "<x:R/>")).code ==
      codes::kMustUnderstand);
  // Checked before addressing: no Action needed to get the right fault.
  BOOST_TEST(decode_error(envelope("<x:Secret s:mustUnderstand=\"true\"/>", "<x:R/>")).code ==
             codes::kMustUnderstand);
}

BOOST_AUTO_TEST_CASE(optional_or_other_role_headers_are_ignored) {
  BOOST_CHECK_NO_THROW(soap::decode(
      envelope(kAction + "<x:Secret/><x:Other s:mustUnderstand=\"false\"/>"
                         "<x:Elsewhere s:mustUnderstand=\"true\" "
                         "s:role=\"http://www.w3.org/2003/05/soap-envelope/role/none\"/>",
               "<x:R/>"),
      options()));
  BOOST_TEST(
      decode_error(envelope(kAction + "<x:Secret s:mustUnderstand=\"yes\"/>", "<x:R/>")).code ==
      codes::kMalformedEnvelope);
}

BOOST_AUTO_TEST_CASE(understood_mandatory_header_is_accepted) {
  soap::DecodeOptions opts;
  opts.understood_headers.push_back({"urn:x", "Secret"});
  const auto request =
      soap::decode(envelope(kAction + "<x:Secret s:mustUnderstand=\"true\"/>", "<x:R/>"), opts);
  BOOST_TEST(request.addressing.action == "urn:ihe:iti:2007:RegisterDocumentSet-b");
  // Listing a different block does not help.
  opts.understood_headers = {{"urn:y", "Secret"}};
  BOOST_TEST(
      decode_error(envelope(kAction + "<x:Secret s:mustUnderstand=\"true\"/>", "<x:R/>"), opts)
          .code == codes::kMustUnderstand);
}

BOOST_AUTO_TEST_CASE(missing_action) {
  const auto e = decode_error(envelope(kMessageId, "<x:R/>"));
  BOOST_TEST(e.code == codes::kMessageAddressingHeaderRequired);
  BOOST_TEST(e.location == "{" + kWsaNs + "}Action");
  const std::string no_header = "<s:Envelope xmlns:s=\"" + kEnv + "\"><s:Body/></s:Envelope>";
  BOOST_TEST(decode_error(no_header).code == codes::kMessageAddressingHeaderRequired);
}

BOOST_AUTO_TEST_CASE(duplicate_addressing_headers) {
  BOOST_TEST(decode_error(envelope(kAction + kMessageId + kMessageId, "<x:R/>")).code ==
             codes::kInvalidAddressingHeader);
  BOOST_TEST(decode_error(envelope(kAction + kAction, "<x:R/>")).code ==
             codes::kInvalidAddressingHeader);
  BOOST_TEST(decode_error(envelope(kAction + "<a:To>u</a:To><a:To>v</a:To>", "<x:R/>")).code ==
             codes::kInvalidAddressingHeader);
}

BOOST_AUTO_TEST_CASE(mtom_resolves_percent_encoded_cid) {
  auto part = soap::Attachment::from_bytes("1.urn:uuid:abc@apache.org", "application/pdf", "%PDF");
  const std::string body =
      "<x:Document><xop:Include href=\"cid:1.urn%3Auuid%3Aabc%40apache.org\"/></x:Document>";
  const soap::SoapRequest request = soap::decode(mtom(envelope(kAction, body), {part}), options());
  BOOST_TEST(request.mtom);
  BOOST_REQUIRE(request.attachments.size() == 1u);
  BOOST_TEST(request.attachment("1.urn:uuid:abc@apache.org") == part);
  BOOST_TEST(request.attachment("other") == nullptr);
  const auto content = soap::binary_content(request, *request.payload, options());
  BOOST_TEST(content == part);
}

BOOST_AUTO_TEST_CASE(mtom_unresolved_include) {
  auto part = soap::Attachment::from_bytes("known@x", "", "data");
  const std::string nested =
      "<x:R><x:A><x:B/></x:A><x:Document><xop:Include href=\"cid:unknown@x\"/></x:Document></x:R>";
  const auto e = decode_error(mtom(envelope(kAction, nested), {part}));
  BOOST_TEST(e.code == codes::kUnresolvedXopInclude);
  BOOST_TEST(e.location == "cid:unknown@x");
  // Not a cid: URL.
  BOOST_TEST(
      decode_error(
          mtom(envelope(kAction, "<x:D><xop:Include href=\"http://x/known@x\"/></x:D>"), {part}))
          .code == codes::kUnresolvedXopInclude);
  // Bad percent-encoding.
  BOOST_TEST(decode_error(
                 mtom(envelope(kAction, "<x:D><xop:Include href=\"cid:known%4\"/></x:D>"), {part}))
                 .code == codes::kUnresolvedXopInclude);
  // Includes inside headers are checked too.
  BOOST_TEST(
      decode_error(
          mtom(envelope(kAction + "<x:H><xop:Include href=\"cid:nope\"/></x:H>", "<x:R/>"), {part}))
          .code == codes::kUnresolvedXopInclude);
}

BOOST_AUTO_TEST_CASE(mtom_root_must_be_xop) {
  auto message = mtom(envelope(kAction, "<x:R/>"), {});
  message.root_type = soap::MediaType{"application/soap+xml", {}};
  BOOST_TEST(decode_error(std::move(message)).code == codes::kUnsupportedMediaType);
}

BOOST_AUTO_TEST_CASE(inline_base64_is_decoded_and_hashed) {
  // Line breaks and spaces inside base64 are allowed.
  std::string wrapped = kQuickFoxBase64;
  wrapped.insert(20, "\n  ");
  wrapped.insert(40, "\r\n\t");
  const auto request =
      soap::decode(envelope(kAction, "<x:Document>" + wrapped + "</x:Document>"), options());
  const auto content = soap::binary_content(request, *request.payload, options());
  BOOST_TEST(content->size() == kQuickFox.size());
  BOOST_TEST(content->sha1_hex() == kQuickFoxSha1);
  BOOST_TEST(content->read_all() == kQuickFox);
}

BOOST_AUTO_TEST_CASE(inline_base64_spills_past_threshold) {
  soap::DecodeOptions opts;
  opts.spill_threshold = 8;
  opts.spool_dir = std::filesystem::temp_directory_path();
  const auto request =
      soap::decode(envelope(kAction, "<x:Document>" + kQuickFoxBase64 + "</x:Document>"), opts);
  const auto content = soap::binary_content(request, *request.payload, opts);
  BOOST_TEST(content->spilled());
  BOOST_TEST(content->sha1_hex() == kQuickFoxSha1);
  BOOST_TEST(content->read_all() == kQuickFox);
}

BOOST_AUTO_TEST_CASE(base64_padding_variants) {
  for (const auto& [encoded, decoded] : std::vector<std::pair<std::string, std::string>>{
           {"", ""}, {"YQ==", "a"}, {"YWI=", "ab"}, {"YWJj", "abc"}}) {
    const auto request = soap::decode(envelope(kAction, "<x:D>" + encoded + "</x:D>"), options());
    BOOST_TEST(soap::binary_content(request, *request.payload, options())->read_all() == decoded);
  }
}

BOOST_AUTO_TEST_CASE(bad_base64) {
  for (const std::string bad : {"YQ=", "Y===", "YQ==YQ==", "YW-j", "YWJ", "Y Q = = x", "YQ=a"}) {
    const auto request = soap::decode(
        envelope(kAction, "<x:R><x:D>ok</x:D><x:D>" + bad + "</x:D></x:R>"), options());
    auto* second = xml::child_elements(*request.payload)[1];
    try {
      soap::binary_content(request, *second, options());
      BOOST_ERROR("accepted bad base64: " << bad);
    } catch (const Failure& f) {
      BOOST_TEST(f.error().code == codes::kMalformedEnvelope);
      BOOST_TEST(f.error().location == "/Envelope/Body/R/D[2]");
    }
  }
}

BOOST_AUTO_TEST_CASE(binary_content_unresolved_include_without_mtom) {
  const auto request =
      soap::decode(envelope(kAction, "<x:D><xop:Include href=\"cid:none@x\"/></x:D>"), options());
  try {
    soap::binary_content(request, *request.payload, options());
    BOOST_ERROR("unresolved include accepted");
  } catch (const Failure& f) {
    BOOST_TEST(f.error().code == codes::kUnresolvedXopInclude);
    BOOST_TEST(f.error().location == "cid:none@x");
  }
}

BOOST_AUTO_TEST_CASE(sniff_addressing_is_best_effort) {
  const auto a = soap::sniff_addressing(
      envelope(kAction + kMessageId + "<x:Secret s:mustUnderstand=\"true\"/>", "", ns::kSoap11));
  BOOST_TEST(a.action == "urn:ihe:iti:2007:RegisterDocumentSet-b");
  BOOST_TEST(a.message_id == "urn:uuid:11111111-2222-4333-8444-555555555555");
  const auto none = soap::sniff_addressing("<<<garbage");
  BOOST_TEST(none.action.empty());
  BOOST_TEST(none.message_id.empty());
  BOOST_TEST(soap::sniff_addressing("<!DOCTYPE a><a/>").message_id.empty());
}

BOOST_AUTO_TEST_CASE(encode_response) {
  soap::SoapResponse response;
  response.action = "urn:ihe:iti:2007:RegisterDocumentSet-bResponse";
  response.relates_to = "urn:uuid:req-1";
  response.payload_xml = "<r:Resp xmlns:r=\"urn:r\">ok &amp; done</r:Resp>";
  const soap::Encoded encoded = soap::encode(response);
  BOOST_TEST(encoded.content_type ==
             "application/soap+xml; charset=UTF-8; "
             "action=\"urn:ihe:iti:2007:RegisterDocumentSet-bResponse\"");
  const xml::Document doc = xml::parse(encoded.body);
  BOOST_TEST(header_text(doc, "Action") == response.action);
  BOOST_TEST(header_text(doc, "RelatesTo") == "urn:uuid:req-1");
  const std::string id = header_text(doc, "MessageID");
  BOOST_TEST(id.size() == 45u);
  BOOST_TEST(id.rfind("urn:uuid:", 0) == 0u);
  BOOST_TEST(id[23] == '4');  // version 4
  // The encoder's own output decodes, Action being mustUnderstand.
  const soap::SoapRequest round = soap::decode(encoded.body, options());
  BOOST_TEST(round.addressing.action == response.action);
  BOOST_REQUIRE(round.payload != nullptr);
  BOOST_TEST(xml::is_element(*round.payload, "urn:r", "Resp"));
  BOOST_TEST(xml::text_content(*round.payload) == "ok & done");
  // Fresh id every time.
  BOOST_TEST(header_text(xml::parse(soap::encode(response).body), "MessageID") != id);
}

BOOST_AUTO_TEST_CASE(encode_without_relates_to) {
  soap::SoapResponse response;
  response.action = "urn:a";
  response.payload_xml = "<r/>";
  const xml::Document doc = xml::parse(soap::encode(response).body);
  BOOST_TEST(header_text(doc, "RelatesTo") == "<absent>");
}

BOOST_AUTO_TEST_CASE(encode_refuses_header_injection) {
  soap::SoapResponse response;
  response.action = "urn:a\r\nX-Evil: 1";
  response.payload_xml = "<r/>";
  try {
    soap::encode(response);
    BOOST_ERROR("control characters in action accepted");
  } catch (const Failure& f) {
    BOOST_TEST(f.error().code == codes::kInternalError);
  }
}

BOOST_AUTO_TEST_CASE(encode_fault_for_every_code) {
  const std::vector<std::pair<soap::FaultCode, std::string>> cases{
      {soap::FaultCode::VersionMismatch, "VersionMismatch"},
      {soap::FaultCode::MustUnderstand, "MustUnderstand"},
      {soap::FaultCode::DataEncodingUnknown, "DataEncodingUnknown"},
      {soap::FaultCode::Sender, "Sender"},
      {soap::FaultCode::Receiver, "Receiver"}};
  for (const auto& [code, local] : cases) {
    soap::Fault fault;
    fault.code = code;
    fault.reason = "bad <thing> & \"stuff\"";
    const soap::Encoded encoded =
        soap::encode_fault(fault, soap::Addressing{"urn:a", "urn:uuid:m", "", ""});
    BOOST_TEST(encoded.content_type.find("action=\"" + std::string(ns::kWsaFaultAction) + "\"") !=
               std::string::npos);
    const xml::Document doc = xml::parse(encoded.body);
    BOOST_TEST(header_text(doc, "Action") == ns::kWsaFaultAction);
    BOOST_TEST(header_text(doc, "RelatesTo") == "urn:uuid:m");
    auto* body = xml::first_child_element(doc.root(), kEnv, "Body");
    BOOST_REQUIRE(body != nullptr);
    auto* f = xml::first_child_element(*body, kEnv, "Fault");
    BOOST_REQUIRE(f != nullptr);
    auto* value =
        xml::first_child_element(*xml::first_child_element(*f, kEnv, "Code"), kEnv, "Value");
    BOOST_REQUIRE(value != nullptr);
    const std::string qname = xml::text_content(*value);
    const auto colon = qname.find(':');
    BOOST_REQUIRE(colon != std::string::npos);
    BOOST_TEST(qname.substr(colon + 1) == local);
    const std::u16string prefix = xml::xmlch(qname.substr(0, colon));
    BOOST_TEST(xml::utf8(value->lookupNamespaceURI(prefix.c_str())) == kEnv);
    auto* text =
        xml::first_child_element(*xml::first_child_element(*f, kEnv, "Reason"), kEnv, "Text");
    BOOST_REQUIRE(text != nullptr);
    BOOST_TEST(xml::text_content(*text) == fault.reason);
    BOOST_TEST(xml::attribute(*text, "http://www.w3.org/XML/1998/namespace", "lang").value() ==
               "en");
    BOOST_TEST(xml::first_child_element(*f, kEnv, "Detail") == nullptr);
  }
}

BOOST_AUTO_TEST_CASE(encode_fault_subcode_detail_and_no_relates_to) {
  soap::Fault fault;
  fault.code = soap::FaultCode::Sender;
  fault.subcode = soap::QName{"urn:ihe:iti:xds-b:2007", "XDSRegistryMetadataError"};
  fault.reason = "r";
  fault.detail = "detail <x>";
  const xml::Document doc = xml::parse(soap::encode_fault(fault, {}).body);
  BOOST_TEST(header_text(doc, "RelatesTo") == "<absent>");
  auto* f =
      xml::first_child_element(*xml::first_child_element(doc.root(), kEnv, "Body"), kEnv, "Fault");
  BOOST_REQUIRE(f != nullptr);
  auto* subcode =
      xml::first_child_element(*xml::first_child_element(*f, kEnv, "Code"), kEnv, "Subcode");
  BOOST_REQUIRE(subcode != nullptr);
  auto* value = xml::first_child_element(*subcode, kEnv, "Value");
  BOOST_REQUIRE(value != nullptr);
  const std::string qname = xml::text_content(*value);
  const auto colon = qname.find(':');
  BOOST_REQUIRE(colon != std::string::npos);
  BOOST_TEST(qname.substr(colon + 1) == "XDSRegistryMetadataError");
  const std::u16string prefix = xml::xmlch(qname.substr(0, colon));
  BOOST_TEST(xml::utf8(value->lookupNamespaceURI(prefix.c_str())) == "urn:ihe:iti:xds-b:2007");
  auto* detail = xml::first_child_element(*f, kEnv, "Detail");
  BOOST_REQUIRE(detail != nullptr);
  BOOST_TEST(xml::text_content(*detail) == "detail <x>");
}

BOOST_AUTO_TEST_CASE(encode_fault_not_understood) {
  soap::Fault fault;
  fault.code = soap::FaultCode::MustUnderstand;
  fault.reason = "not understood";
  fault.not_understood = soap::QName{"urn:x", "Secret"};
  const xml::Document doc = xml::parse(soap::encode_fault(fault, {}).body);
  auto* header = xml::first_child_element(doc.root(), kEnv, "Header");
  BOOST_REQUIRE(header != nullptr);
  auto* nu = xml::first_child_element(*header, kEnv, "NotUnderstood");
  BOOST_REQUIRE(nu != nullptr);
  const std::string qname = xml::attribute(*nu, "qname").value();
  const auto colon = qname.find(':');
  BOOST_REQUIRE(colon != std::string::npos);
  BOOST_TEST(qname.substr(colon + 1) == "Secret");
  const std::u16string prefix = xml::xmlch(qname.substr(0, colon));
  BOOST_TEST(xml::utf8(nu->lookupNamespaceURI(prefix.c_str())) == "urn:x");
}
