#include "vihf_builder.hpp"

#include "passerelle/signature/signer.hpp"
#include "test_server.hpp"

namespace passerelle::testing {
namespace {

signature::SigningKey signer_key(const std::string& stem) {
  return signature::SigningKey::from_pem_files(pki(stem + ".key").string(),
                                               pki(stem + ".pem").string());
}

}  // namespace

VihfSpec& VihfSpec::set(const std::string& name, std::vector<std::string> text,
                        std::vector<soap::CodedValue> coded) {
  if (attributes.empty()) attributes = default_vihf_attributes();
  std::erase_if(attributes, [&](const VihfAttribute& a) { return a.name == name; });
  if (!text.empty() || !coded.empty()) {
    attributes.push_back({name, std::move(text), std::move(coded)});
  }
  return *this;
}

std::vector<VihfAttribute> default_vihf_attributes(const std::string& patient) {
  return {
      {"VIHF_Version", {"3.0"}, {}},
      {"Identifiant_Structure", {"10B0152872"}, {}},
      {"Secteur_Activite", {"SA07^1.2.250.1.71.4.2.4"}, {}},
      {"urn:oasis:names:tc:xspa:1.0:subject:subject-id", {"DUPONT JEAN"}, {}},
      {"urn:oasis:names:tc:xacml:2.0:subject:role",
       {},
       {{"10", "1.2.250.1.71.1.2.7", "Médecin"},
        {"SM26", "1.2.250.1.71.4.2.5", "Qualifié en médecine générale"}}},
      {"urn:oasis:names:tc:xspa:1.0:subject:purposeofuse",
       {},
       {{"normal", "1.2.250.1.213.1.1.4.248", "Accès normal"}}},
      {"urn:oasis:names:tc:xacml:2.0:resource:resource-id", {patient}, {}},
      {"Ressource_URN", {"urn:dmp"}, {}},
      {"Authentification_Mode", {"INDIRECTE"}, {}},
      {"LPS_ID", {"lps-test-1"}, {}},
      {"LPS_Nom", {"Passerelle test LPS"}, {}},
      {"LPS_Version", {"1.0"}, {}},
      {"LPS_ID_HOMOLOGATION_DMP", {"TEST-HOMOLOGATION-1"}, {}},
  };
}

std::string pki_subject(const std::string& stem) { return signer_key(stem).certificate().subject; }

_xmlNode* VihfEnvelope::add_assertion(const VihfSpec& spec) {
  conformance::VihfAssertion assertion;
  assertion.issuer = spec.issuer;
  assertion.id = spec.id;
  assertion.name_id = spec.name_id;
  assertion.not_before = spec.not_before;
  assertion.not_on_or_after = spec.not_on_or_after;
  assertion.attributes = spec.attributes.empty() ? default_vihf_attributes() : spec.attributes;
  assertion.sign = spec.sign;
  assertion.reference_uri = spec.reference_uri;
  assertion.transforms = spec.transforms;
  return add_assertion(assertion, signer_key(spec.signer));
}

std::string with_vihf(const std::string& envelope_xml, const VihfSpec& spec) {
  VihfEnvelope envelope(envelope_xml);
  envelope.add_assertion(spec);
  return envelope.serialize();
}

HttpRequestBody with_vihf(HttpRequestBody request, const VihfSpec& spec) {
  request.body = with_vihf(request.body, spec);
  return request;
}

}  // namespace passerelle::testing
