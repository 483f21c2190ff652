#pragma once

// A VIHF (dmp-xds-mapping.md §7, docs/identity.md) built the way an LPS
// builds one: a SAML 2.0 assertion on a libxml2 tree inside a SOAP
// envelope's wsse:Security header, signed with xmlsec (enveloped signature,
// exclusive C14N, RSA-SHA256, the signer certificate in KeyInfo). The
// harness signs the VIHF of a suite's steps with it; tests build valid and
// deliberately damaged assertions with it (tests/support/vihf_builder).
// Needs a live signature::Runtime.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "passerelle/signature/signer.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "passerelle/soap/access_context.hpp"

namespace passerelle::conformance {

// One saml:Attribute: text values, or coded values (an hl7 CE element, as the
// ANS VIHF sends roles and purposes of use).
struct VihfAttribute {
  std::string name;
  std::vector<std::string> text;
  std::vector<soap::CodedValue> coded;
};

struct VihfAssertion {
  std::optional<std::string> issuer;  // default: the signer certificate's subject
  std::string id = "_vihf-assertion-1";
  std::string name_id;
  std::chrono::system_clock::time_point not_before =
      std::chrono::system_clock::now() - std::chrono::minutes(5);
  std::chrono::system_clock::time_point not_on_or_after =
      std::chrono::system_clock::now() + std::chrono::hours(1);
  std::vector<VihfAttribute> attributes;
  bool sign = true;
  std::string reference_uri;  // empty = "#" + id
  // Reference transforms by name: enveloped, exc-c14n, c14n.
  std::vector<std::string> transforms = {"enveloped", "exc-c14n"};
};

// A SOAP 1.2 envelope (libxml2 tree) to which assertions are added.
class VihfEnvelope {
 public:
  explicit VihfEnvelope(const std::string& envelope_xml);
  // Builds `assertion` as the last child of wsse:Security (created on first
  // use, mustUnderstand="true") and signs it with `key` unless
  // assertion.sign is false. Throws Failure(kInternalError) when xmlsec fails.
  _xmlNode* add_assertion(const VihfAssertion& assertion, const signature::SigningKey& key);
  _xmlNode* security();
  _xmlNode* header();
  _xmlNode* body();
  _xmlDoc* doc() const { return document_.doc(); }
  std::string serialize() const { return document_.serialize(); }

 private:
  signature::SignedXml document_;
};

// `envelope_xml` with one signed VIHF in its Security header.
std::string with_vihf(const std::string& envelope_xml, const VihfAssertion& assertion,
                      const signature::SigningKey& key);

// The first child element (namespace, local name) of `parent`, or null.
_xmlNode* child_element(_xmlNode* parent, const char* ns, const char* local);
// The AttributeValue text of attribute `name` of `assertion` becomes `text`
// (to damage a signed assertion). Throws std::invalid_argument when absent.
void set_attribute_text(_xmlNode* assertion, const std::string& name, const std::string& text);

}  // namespace passerelle::conformance
