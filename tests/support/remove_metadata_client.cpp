#include "remove_metadata_client.hpp"

#include <stdexcept>

#include "passerelle/core/xml.hpp"
#include "passerelle/soap/namespaces.hpp"
#include "soap_messages.hpp"

namespace passerelle::testing {
namespace {

constexpr const char* kLcm = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";
constexpr const char* kRim = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";

std::string local_part(const std::string& qname) {
  const auto colon = qname.find(':');
  return colon == std::string::npos ? qname : qname.substr(colon + 1);
}

const xercesc::DOMElement& child(const xercesc::DOMElement& parent, const char* local) {
  const auto* element = xml::first_child_element(parent, passerelle::ns::kSoap12, local);
  if (element == nullptr) throw std::runtime_error(std::string("fault without env:") + local);
  return *element;
}

}  // namespace

HttpRequestBody remove_metadata_raw(const std::string& remove_objects_request) {
  return {kSoapContentType,
          envelope("urn:ihe:iti:2010:DeleteDocumentSet",
                   "urn:uuid:" + sha1_hex(remove_objects_request), remove_objects_request)};
}

HttpRequestBody remove_metadata(const std::vector<std::string>& ids) {
  std::string body = std::string("<lcm:RemoveObjectsRequest xmlns:lcm=\"") + kLcm +
                     "\" xmlns:rim=\"" + kRim + "\"><rim:ObjectRefList>";
  for (const auto& id : ids) body += "<rim:ObjectRef id=\"" + xml::escape(id) + "\"/>";
  body += "</rim:ObjectRefList></lcm:RemoveObjectsRequest>";
  return remove_metadata_raw(body);
}

std::map<std::string, std::string> operator_authorization(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

FaultSeen read_fault(const HttpReply& reply) {
  const auto document = xml::parse(reply.body);
  const auto* body = xml::first_child_element(document.root(), passerelle::ns::kSoap12, "Body");
  const auto* fault =
      body == nullptr ? nullptr : xml::first_child_element(*body, passerelle::ns::kSoap12, "Fault");
  if (fault == nullptr) throw std::runtime_error("reply is not a fault: " + reply.body);
  FaultSeen seen;
  const auto& code = child(*fault, "Code");
  seen.code = local_part(xml::text_content(child(code, "Value")));
  if (const auto* sub = xml::first_child_element(code, passerelle::ns::kSoap12, "Subcode")) {
    const auto& value = child(*sub, "Value");
    const std::string qname = xml::text_content(value);
    const auto colon = qname.find(':');
    const std::string prefix = colon == std::string::npos ? "" : qname.substr(0, colon);
    const auto prefix_text = xml::xmlch(prefix);
    const XMLCh* uri = value.lookupNamespaceURI(
        prefix.empty() ? nullptr : reinterpret_cast<const XMLCh*>(prefix_text.c_str()));
    seen.subcode_namespace = uri == nullptr ? "" : xml::utf8(uri);
    seen.subcode = local_part(qname);
  }
  seen.reason = xml::text_content(child(*fault, "Reason"));
  return seen;
}

}  // namespace passerelle::testing
