#include "passerelle/conformance/vihf_assertion.hpp"

#include <libxml/tree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>

#include <stdexcept>

#include "passerelle/soap/namespaces.hpp"
#include "passerelle/soap/wss.hpp"

namespace passerelle::conformance {
namespace {

constexpr const char* kHl7 = "urn:hl7-org:v3";
constexpr const char* kXsi = "http://www.w3.org/2001/XMLSchema-instance";

const xmlChar* x(const char* text) { return reinterpret_cast<const xmlChar*>(text); }
const xmlChar* x(const std::string& text) { return x(text.c_str()); }

xmlNode* element(xmlNode* parent, xmlNs* ns, const char* local, const std::string& text = "") {
  return xmlNewTextChild(parent, ns, x(local), text.empty() ? nullptr : x(text));
}

xmlSecTransformId transform(const std::string& name) {
  if (name == "enveloped") return xmlSecTransformEnvelopedId;
  if (name == "exc-c14n") return xmlSecTransformExclC14NId;
  if (name == "c14n") return xmlSecTransformInclC14NId;
  throw std::invalid_argument("unknown transform " + name);
}

// The hl7 CE element's name, as the ANS VIHF writes it.
const char* coded_element(const std::string& attribute) {
  if (attribute.find("purposeofuse") != std::string::npos) return "PurposeOfUse";
  if (attribute.find("confidentiality-code") != std::string::npos) return "ConfidentialityCode";
  return "Role";
}

void add_attributes(xmlNode* assertion, xmlNs* saml, const std::vector<VihfAttribute>& attributes) {
  xmlNode* statement = element(assertion, saml, "AttributeStatement");
  for (const VihfAttribute& attribute : attributes) {
    xmlNode* node = element(statement, saml, "Attribute");
    xmlNewProp(node, x("Name"), x(attribute.name));
    for (const std::string& text : attribute.text) element(node, saml, "AttributeValue", text);
    for (const soap::CodedValue& coded : attribute.coded) {
      xmlNode* value = element(node, saml, "AttributeValue");
      xmlNode* ce = xmlNewChild(value, nullptr, x(coded_element(attribute.name)), nullptr);
      xmlSetNs(ce, xmlNewNs(ce, x(kHl7), nullptr));
      xmlNewNsProp(ce, xmlNewNs(ce, x(kXsi), x("xsi")), x("type"), x("CE"));
      xmlNewProp(ce, x("code"), x(coded.code));
      xmlNewProp(ce, x("codeSystem"), x(coded.code_system));
      if (!coded.display_name.empty()) xmlNewProp(ce, x("displayName"), x(coded.display_name));
    }
  }
}

}  // namespace

VihfEnvelope::VihfEnvelope(const std::string& envelope_xml)
    : document_(signature::SignedXml::parse(envelope_xml)) {}

_xmlNode* child_element(_xmlNode* parent, const char* ns, const char* local) {
  for (xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual(child->name, x(local)) &&
        child->ns != nullptr && xmlStrEqual(child->ns->href, x(ns))) {
      return child;
    }
  }
  return nullptr;
}

_xmlNode* VihfEnvelope::header() {
  xmlNode* envelope = xmlDocGetRootElement(doc());
  if (xmlNode* found = child_element(envelope, ns::kSoap12, "Header")) return found;
  xmlNode* created = xmlNewDocNode(doc(), envelope->ns, x("Header"), nullptr);
  xmlAddPrevSibling(body(), created);
  return created;
}

_xmlNode* VihfEnvelope::body() {
  return child_element(xmlDocGetRootElement(doc()), ns::kSoap12, "Body");
}

_xmlNode* VihfEnvelope::security() {
  xmlNode* parent = header();
  if (xmlNode* found = child_element(parent, ns::kWsse, "Security")) return found;
  xmlNode* created = xmlNewChild(parent, nullptr, x("Security"), nullptr);
  xmlSetNs(created, xmlNewNs(created, x(ns::kWsse), x("wsse")));
  xmlNewNsProp(created, xmlDocGetRootElement(doc())->ns, x("mustUnderstand"), x("true"));
  return created;
}

_xmlNode* VihfEnvelope::add_assertion(const VihfAssertion& spec, const signature::SigningKey& key) {
  xmlNode* assertion = xmlNewChild(security(), nullptr, x("Assertion"), nullptr);
  xmlNs* saml = xmlNewNs(assertion, x(soap::wss::kSaml2), x("saml2"));
  xmlSetNs(assertion, saml);
  xmlNewProp(assertion, x("ID"), x(spec.id));
  xmlNewProp(assertion, x("IssueInstant"),
             x(soap::wss::format_saml_instant(std::chrono::system_clock::now())));
  xmlNewProp(assertion, x("Version"), x("2.0"));
  xmlNode* issuer =
      element(assertion, saml, "Issuer", spec.issuer.value_or(key.certificate().subject));
  xmlNewProp(issuer, x("Format"), x("urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName"));
  xmlNode* subject = element(assertion, saml, "Subject");
  element(subject, saml, "NameID", spec.name_id);
  xmlNode* conditions = element(assertion, saml, "Conditions");
  xmlNewProp(conditions, x("NotBefore"), x(soap::wss::format_saml_instant(spec.not_before)));
  xmlNewProp(conditions, x("NotOnOrAfter"),
             x(soap::wss::format_saml_instant(spec.not_on_or_after)));
  add_attributes(assertion, saml, spec.attributes);
  if (!spec.sign) return assertion;

  // SAML core §5: the enveloped signature follows the Issuer.
  xmlNode* signature_node = xmlSecTmplSignatureCreate(doc(), xmlSecTransformExclC14NId,
                                                      xmlSecTransformRsaSha256Id, nullptr);
  xmlAddNextSibling(issuer, signature_node);
  const std::string uri = spec.reference_uri.empty() ? "#" + spec.id : spec.reference_uri;
  xmlNode* reference = xmlSecTmplSignatureAddReference(signature_node, xmlSecTransformSha256Id,
                                                       nullptr, x(uri), nullptr);
  for (const std::string& name : spec.transforms) {
    xmlSecTmplReferenceAddTransform(reference, transform(name));
  }
  xmlSecTmplKeyInfoAddX509Data(xmlSecTmplSignatureEnsureKeyInfo(signature_node, nullptr));
  signature::register_id(document_, assertion, "ID");
  signature::sign(document_, signature_node, key);
  return assertion;
}

std::string with_vihf(const std::string& envelope_xml, const VihfAssertion& assertion,
                      const signature::SigningKey& key) {
  VihfEnvelope envelope(envelope_xml);
  envelope.add_assertion(assertion, key);
  return envelope.serialize();
}

void set_attribute_text(_xmlNode* assertion, const std::string& name, const std::string& text) {
  xmlNode* statement = child_element(assertion, soap::wss::kSaml2, "AttributeStatement");
  for (xmlNode* attribute = statement->children; attribute != nullptr;
       attribute = attribute->next) {
    if (attribute->type != XML_ELEMENT_NODE) continue;
    xmlChar* attribute_name = xmlGetProp(attribute, x("Name"));
    const bool match = attribute_name != nullptr && name == reinterpret_cast<char*>(attribute_name);
    xmlFree(attribute_name);
    if (!match) continue;
    xmlNode* value = child_element(attribute, soap::wss::kSaml2, "AttributeValue");
    xmlNodeSetContent(value, nullptr);
    xmlNodeAddContent(value, x(text));  // as text: no entity references
    return;
  }
  throw std::invalid_argument("no attribute " + name);
}

}  // namespace passerelle::conformance
