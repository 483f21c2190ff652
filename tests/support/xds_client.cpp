#include "xds_client.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "passerelle/core/xml.hpp"
#include "passerelle/soap/mtom.hpp"
#include "passerelle/soap/namespaces.hpp"
#include "soap_messages.hpp"

namespace passerelle::testing {
namespace {

constexpr const char* kRs = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0";
constexpr const char* kXdsb = "urn:ihe:iti:xds-b:2007";
constexpr const char* kBoundary = "MIMEBoundary_xds_test_5f0e";

std::string without_xml_declaration(std::string text) {
  if (text.rfind("<?xml", 0) == 0) text.erase(0, text.find("?>") + 2);
  return text;
}

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string provide_body(const std::string& metadata, const std::vector<Part>& documents,
                         bool mtom) {
  std::string body =
      "<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb=\"urn:ihe:iti:xds-b:2007\">" +
      without_xml_declaration(metadata);
  for (std::size_t i = 0; i < documents.size(); ++i) {
    body += "<xdsb:Document id=\"" + documents[i].id + "\">";
    if (mtom) {
      body += "<xop:Include xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:doc" +
              std::to_string(i) + "@test\"/>";
    } else {
      body += base64(documents[i].bytes);
    }
    body += "</xdsb:Document>";
  }
  return body + "</xdsb:ProvideAndRegisterDocumentSetRequest>";
}

struct Decoded {
  xml::Document document;
  std::map<std::string, std::string> attachments;  // content id → bytes
};

Decoded decode_reply(const HttpReply& reply) {
  const std::string content_type = reply.header("content-type");
  if (content_type.rfind("multipart/related", 0) == 0) {
    soap::MtomParser parser(soap::parse_media_type(content_type), soap::MtomLimits{});
    parser.feed(reply.body);
    auto message = parser.finish();
    Decoded decoded{xml::parse(message.root), {}};
    for (const auto& attachment : message.attachments) {
      decoded.attachments[attachment->content_id()] = attachment->read_all();
    }
    return decoded;
  }
  return Decoded{xml::parse(reply.body), {}};
}

const xercesc::DOMElement& soap_payload(const xml::Document& document) {
  const auto* body = xml::first_child_element(document.root(), passerelle::ns::kSoap12, "Body");
  if (body == nullptr) throw std::runtime_error("reply has no soap:Body");
  const auto children = xml::child_elements(*body);
  if (children.empty()) throw std::runtime_error("reply has an empty soap:Body");
  return *children.front();
}

RegistryAnswer read_registry_response(const xercesc::DOMElement& response) {
  RegistryAnswer answer;
  answer.status = xml::attribute(response, "status").value_or("");
  if (const auto* list = xml::first_child_element(response, kRs, "RegistryErrorList")) {
    for (const auto* error : xml::child_elements(*list, kRs, "RegistryError")) {
      answer.errors.push_back({xml::attribute(*error, "errorCode").value_or(""),
                               xml::attribute(*error, "codeContext").value_or(""),
                               xml::attribute(*error, "severity").value_or(""),
                               xml::attribute(*error, "location").value_or("")});
    }
  }
  return answer;
}

std::string child_text(const xercesc::DOMElement& parent, const char* local) {
  const auto* child = xml::first_child_element(parent, kXdsb, local);
  return child == nullptr ? "" : xml::text_content(*child);
}

}  // namespace

std::string two_document_metadata() {
  return without_xml_declaration(read_fixture("xds/provide_and_register_two_docs.xml"));
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  std::size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("replace_all: '" + from + "' not found");
  while (at != std::string::npos) {
    text.replace(at, from.size(), to);
    at = text.find(from, at + to.size());
  }
  return text;
}

std::string with_fresh_unique_ids(std::string metadata, const std::string& salt) {
  // Every ExternalIdentifier of a uniqueId scheme (document, set, folder)
  // gets `.salt` appended to its OID; salt must be digits.
  static const std::regex tag(
      "<(?:[A-Za-z0-9]+:)?ExternalIdentifier\\b[^>]*identificationScheme=\"urn:uuid:("
      "2e82c1f6-a085-4c72-9da3-8640a32e42ab|96fdda7c-d067-4183-912e-bf5ee74998a8|"
      "75df8f67-9973-4fbe-a900-df66cefecc5a)\"[^>]*>");
  static const std::regex value_attribute("value=\"([0-9.]+)\"");
  std::string out;
  auto begin = std::sregex_iterator(metadata.begin(), metadata.end(), tag);
  std::size_t copied = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& match = *it;
    out.append(metadata, copied, static_cast<std::size_t>(match.position()) - copied);
    out += std::regex_replace(match.str(), value_attribute, "value=\"$1." + salt + "\"");
    copied = static_cast<std::size_t>(match.position() + match.length());
  }
  if (copied == 0) throw std::runtime_error("with_fresh_unique_ids: no uniqueId found");
  out.append(metadata, copied, std::string::npos);
  return out;
}

std::string read_fixture(const std::string& relative) {
  std::ifstream in(std::string(PASSERELLE_SOURCE_DIR) + "/tests/fixtures/" + relative,
                   std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (bytes.str().empty()) throw std::runtime_error("missing or empty fixture " + relative);
  return bytes.str();
}

std::string without_slot(const std::string& metadata, const std::string& name) {
  const std::regex slot("<rim:Slot name=\"" + name + "\">[\\s\\S]*?</rim:Slot>");
  std::string out = std::regex_replace(metadata, slot, "");
  if (out == metadata) throw std::runtime_error("without_slot: no slot '" + name + "'");
  return out;
}

std::string cda_metadata(const std::string& metadata) {
  return without_slot(
      without_slot(replace_all(metadata, "mimeType=\"application/pdf\"", "mimeType=\"text/xml\""),
                   "hash"),
      "size");
}

std::string document_unique_id(const std::string& metadata, const std::string& symbolic_id) {
  const auto object = metadata.find("id=\"" + symbolic_id + "\"");
  const auto scheme = object == std::string::npos
                          ? std::string::npos
                          : metadata.find("urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab", object);
  if (scheme == std::string::npos) {
    throw std::runtime_error("document_unique_id: no uniqueId for " + symbolic_id);
  }
  const auto tag_start = metadata.rfind('<', scheme);
  const auto tag_end = metadata.find('>', scheme);
  const std::string tag = metadata.substr(tag_start, tag_end - tag_start);
  const auto value = tag.find("value=\"");
  if (value == std::string::npos) {
    throw std::runtime_error("document_unique_id: no value for " + symbolic_id);
  }
  return tag.substr(value + 7, tag.find('"', value + 7) - value - 7);
}

bool RegistryAnswer::success() const {
  return status == "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";
}

std::string RegistryAnswer::codes() const {
  std::string out;
  for (const auto& error : errors) out += (out.empty() ? "" : ",") + error.code;
  return out;
}

HttpRequestBody provide_and_register_mtom(const std::string& metadata,
                                          const std::vector<Part>& documents) {
  const std::string root =
      envelope("urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b", "urn:uuid:" + sha1_hex(metadata),
               provide_body(metadata, documents, true));
  HttpRequestBody request;
  request.content_type = std::string("multipart/related; boundary=\"") + kBoundary +
                         "\"; type=\"application/xop+xml\"; start=\"<root@test>\"; "
                         "start-info=\"application/soap+xml\"";
  request.body = std::string("--") + kBoundary +
                 "\r\nContent-Type: application/xop+xml; charset=UTF-8; "
                 "type=\"application/soap+xml\"\r\nContent-Transfer-Encoding: binary\r\n"
                 "Content-ID: <root@test>\r\n\r\n" +
                 root;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    request.body += std::string("\r\n--") + kBoundary +
                    "\r\nContent-Type: " + documents[i].mime_type +
                    "\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <doc" +
                    std::to_string(i) + "@test>\r\n\r\n" + documents[i].bytes;
  }
  request.body += std::string("\r\n--") + kBoundary + "--\r\n";
  return request;
}

HttpRequestBody provide_and_register_inline(const std::string& metadata,
                                            const std::vector<Part>& documents) {
  return {kSoapContentType,
          envelope("urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b",
                   "urn:uuid:" + sha1_hex(metadata), provide_body(metadata, documents, false))};
}

HttpRequestBody register_document_set(const std::string& metadata) {
  return {kSoapContentType,
          envelope("urn:ihe:iti:2007:RegisterDocumentSet-b", "urn:uuid:" + sha1_hex(metadata),
                   without_xml_declaration(metadata))};
}

HttpRequestBody retrieve_document_set(const std::vector<RetrieveKey>& keys) {
  std::string body = "<xdsb:RetrieveDocumentSetRequest xmlns:xdsb=\"urn:ihe:iti:xds-b:2007\">";
  for (const auto& key : keys) {
    body += "<xdsb:DocumentRequest><xdsb:RepositoryUniqueId>" + key.repository_unique_id +
            "</xdsb:RepositoryUniqueId><xdsb:DocumentUniqueId>" + key.document_unique_id +
            "</xdsb:DocumentUniqueId></xdsb:DocumentRequest>";
  }
  body += "</xdsb:RetrieveDocumentSetRequest>";
  return {kSoapContentType,
          envelope("urn:ihe:iti:2007:RetrieveDocumentSet", "urn:uuid:" + sha1_hex(body), body)};
}

RegistryAnswer read_registry_answer(const HttpReply& reply) {
  auto decoded = decode_reply(reply);
  const auto& payload = soap_payload(decoded.document);
  if (!xml::is_element(payload, kRs, "RegistryResponse")) {
    throw std::runtime_error("reply is not a RegistryResponse: " + reply.body.substr(0, 600));
  }
  return read_registry_response(payload);
}

RetrieveAnswer read_retrieve_answer(const HttpReply& reply) {
  auto decoded = decode_reply(reply);
  const auto& payload = soap_payload(decoded.document);
  if (!xml::is_element(payload, kXdsb, "RetrieveDocumentSetResponse")) {
    throw std::runtime_error("reply is not a RetrieveDocumentSetResponse: " +
                             reply.body.substr(0, 600));
  }
  RetrieveAnswer answer;
  if (const auto* response = xml::first_child_element(payload, kRs, "RegistryResponse")) {
    answer.registry = read_registry_response(*response);
  }
  for (const auto* element : xml::child_elements(payload, kXdsb, "DocumentResponse")) {
    RetrievedPart part;
    part.repository_unique_id = child_text(*element, "RepositoryUniqueId");
    part.document_unique_id = child_text(*element, "DocumentUniqueId");
    part.mime_type = child_text(*element, "mimeType");
    if (const auto* document = xml::first_child_element(*element, kXdsb, "Document")) {
      if (const auto* include =
              xml::first_child_element(*document, passerelle::ns::kXop, "Include")) {
        auto href = xml::attribute(*include, "href").value_or("");
        if (href.rfind("cid:", 0) == 0) href.erase(0, 4);
        part.bytes = decoded.attachments.at(href);
      }
    }
    answer.documents.push_back(std::move(part));
  }
  return answer;
}

std::string sha1_hex(const std::string& bytes) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : digest) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

// ---- ITI-18 Registry Stored Query (issue 4) ----

HttpRequestBody stored_query(const std::string& query_id,
                             const std::vector<QueryParameter>& parameters,
                             const std::string& return_type, bool return_composed_objects) {
  std::string body =
      "<query:AdhocQueryRequest xmlns:query=\"urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0\" "
      "xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\"><query:ResponseOption "
      "returnComposedObjects=\"" +
      std::string(return_composed_objects ? "true" : "false") + "\" returnType=\"" + return_type +
      "\"/><rim:AdhocQuery id=\"" + query_id + "\">";
  for (const auto& parameter : parameters) {
    body += "<rim:Slot name=\"" + xml::escape(parameter.name) + "\"><rim:ValueList>";
    for (const auto& value : parameter.values) {
      body += "<rim:Value>" + xml::escape(value) + "</rim:Value>";
    }
    body += "</rim:ValueList></rim:Slot>";
  }
  body += "</rim:AdhocQuery></query:AdhocQueryRequest>";
  return {kSoapContentType,
          envelope("urn:ihe:iti:2007:RegistryStoredQuery", "urn:uuid:" + sha1_hex(body), body)};
}

std::vector<std::string> QueryAnswer::ids() const {
  std::vector<std::string> out;
  for (const auto& object : objects) out.push_back(object.id);
  return out;
}

std::size_t QueryAnswer::count(const std::string& element) const {
  std::size_t n = 0;
  for (const auto& object : objects) n += object.element == element ? 1 : 0;
  return n;
}

QueryAnswer read_query_answer(const HttpReply& reply) {
  constexpr const char* kQuery = "urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0";
  constexpr const char* kRim = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
  auto decoded = decode_reply(reply);
  const auto& payload = soap_payload(decoded.document);
  if (!xml::is_element(payload, kQuery, "AdhocQueryResponse")) {
    throw std::runtime_error("reply is not an AdhocQueryResponse: " + reply.body.substr(0, 600));
  }
  QueryAnswer answer;
  answer.xml = xml::serialize(payload);
  answer.registry = read_registry_response(payload);
  const auto* list = xml::first_child_element(payload, kRim, "RegistryObjectList");
  if (list == nullptr) return answer;
  for (const auto* element : xml::child_elements(*list)) {
    QueryObject object;
    object.element = xml::local_name(*element);
    object.id = xml::attribute(*element, "id").value_or("");
    object.status = xml::attribute(*element, "status").value_or("");
    object.association_type = xml::attribute(*element, "associationType").value_or("");
    object.source = xml::attribute(*element, "sourceObject").value_or("");
    object.target = xml::attribute(*element, "targetObject").value_or("");
    for (const auto* c : xml::child_elements(*element, kRim, "Classification")) {
      ++object.classifications;
      if (auto node = xml::attribute(*c, "classificationNode"); node && !node->empty()) {
        object.classification_nodes.push_back(*node);
      }
    }
    for (const auto* e : xml::child_elements(*element, kRim, "ExternalIdentifier")) {
      ++object.external_identifiers;
      const auto scheme = xml::attribute(*e, "identificationScheme").value_or("");
      const auto value = xml::attribute(*e, "value").value_or("");
      if (scheme == "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" ||
          scheme == "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446" ||
          scheme == "urn:uuid:f64ffdf0-4b97-4e06-b79f-a52b38ec2f8a") {
        object.patient_id = value;
      }
      if (scheme == "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab" ||
          scheme == "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8" ||
          scheme == "urn:uuid:75df8f67-9973-4fbe-a900-df66cefecc5a") {
        object.unique_id = value;
      }
    }
    answer.objects.push_back(std::move(object));
  }
  return answer;
}

}  // namespace passerelle::testing
