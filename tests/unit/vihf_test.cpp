#define BOOST_TEST_MODULE vihf
#include <boost/test/unit_test.hpp>

// soap/wss: every VIHF rule of dmp-xds-mapping.md §7 and R-ID-2, each
// refusal with its exact WS-Security code and reason. Assertions are signed
// by the test PKI (tests/support/vihf_builder.hpp).

#include <libxml/tree.h>

#include <fstream>

#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "passerelle/soap/namespaces.hpp"
#include "passerelle/soap/wss.hpp"
#include "runtimes.hpp"
#include "soap_messages.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"
#include "vihf_builder.hpp"

using namespace passerelle;
using namespace passerelle::testing;
namespace wss = passerelle::soap::wss;

namespace {

BOOST_TEST_GLOBAL_FIXTURE(XmlAndSignatureRuntimes);

constexpr const char* kRole = "urn:oasis:names:tc:xacml:2.0:subject:role";
constexpr const char* kPurpose = "urn:oasis:names:tc:xspa:1.0:subject:purposeofuse";
constexpr const char* kResourceId = "urn:oasis:names:tc:xacml:2.0:resource:resource-id";
constexpr const char* kAssertionId = "_vihf-assertion-1";
constexpr const char* kOtherPatient = "2345678901234^^^&1.2.250.1.213.1.4.10&ISO^NH";

std::string plain_envelope() {
  return envelope("urn:ihe:iti:2007:RegistryStoredQuery", "urn:uuid:7d9e3f0a-vihf");
}

wss::VihfOptions options(const std::string& trust_file = "ca.pem") {
  wss::VihfOptions out;
  out.trust = signature::TrustStore::from_pem_file(pki(trust_file).string());
  out.clock_skew = std::chrono::seconds(60);
  return out;
}

std::optional<soap::AccessContext> read(const std::string& envelope_xml,
                                        const wss::VihfOptions& with = options()) {
  return wss::read_vihf(envelope_xml, with);
}

// The refusal read_vihf() throws; fails the test when it accepts.
Error refusal(const std::string& envelope_xml, const wss::VihfOptions& with = options()) {
  try {
    wss::read_vihf(envelope_xml, with);
  } catch (const Failure& failure) {
    return failure.error();
  }
  BOOST_FAIL("the assertion was accepted");
  return {};
}

Error refusal_of(const VihfSpec& spec) { return refusal(with_vihf(plain_envelope(), spec)); }

std::string token_refusal(const std::string& attribute, const std::string& why) {
  return "VIHF " + attribute + ": " + why;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(accepted)

BOOST_AUTO_TEST_CASE(a_valid_assertion_becomes_the_access_context) {
  const auto context = read(with_vihf(plain_envelope()));
  BOOST_TEST_REQUIRE(context.has_value());
  BOOST_TEST(context->person_id == "810000000001");
  BOOST_TEST((context->person_id_kind == soap::PersonIdKind::Rpps));
  BOOST_TEST(context->display_name == "DUPONT JEAN");
  BOOST_TEST((context->profession == soap::CodedValue{"10", "1.2.250.1.71.1.2.7", "Médecin"}));
  BOOST_TEST_REQUIRE(context->speciality.has_value());
  BOOST_TEST(context->speciality->code == "SM26");
  BOOST_TEST(!context->role.has_value());
  BOOST_TEST(context->structure_id == "10B0152872");
  BOOST_TEST_REQUIRE(context->sector.has_value());
  BOOST_TEST((*context->sector == soap::CodedValue{"SA07", "1.2.250.1.71.4.2.4", ""}));
  BOOST_TEST((context->authentication == soap::AuthenticationMode::Indirecte));
  BOOST_TEST((context->purpose == soap::PurposeOfUse::Normal));
  BOOST_TEST(!context->secret_connection);
  BOOST_TEST(context->patient_id == kTestPatient);
  BOOST_TEST(context->software.id == "lps-test-1");
  BOOST_TEST(context->software.name == "Passerelle test LPS");
  BOOST_TEST(context->software.version == "1.0");
  BOOST_TEST(context->software.dmp_homologation == "TEST-HOMOLOGATION-1");
  BOOST_TEST(context->vihf_version == "3.0");
  BOOST_TEST(context->issuer == pki_subject("vihf-signer"));
  BOOST_TEST(context->assertion_id == kAssertionId);
  BOOST_TEST((context->not_on_or_after > std::chrono::system_clock::now()));
}

BOOST_AUTO_TEST_CASE(one_assertion_verified_many_times_gives_one_context) {
  // Also prints the cost of the step: small envelope, and a 5 MB one (an
  // ITI-41 with inline base64), which the step parses a second time.
  const std::string small = with_vihf(plain_envelope());
  const std::string large = with_vihf(envelope(
      "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b", "urn:uuid:7d9e3f0a-large",
      "<t:data xmlns:t=\"urn:test\">" + std::string(5u * 1024u * 1024u, 'A') + "</t:data>"));
  const auto first = read(small);
  BOOST_TEST_REQUIRE(first.has_value());
  const auto trusted = options();
  for (const auto* bytes : {&small, &large}) {
    constexpr int kRounds = 20;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) {
      const auto again = read(*bytes, trusted);
      BOOST_TEST_REQUIRE(again.has_value());
      BOOST_TEST(again->person_id == first->person_id);
      BOOST_TEST(again->patient_id == first->patient_id);
    }
    const auto per_call = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - start) /
                          kRounds;
    BOOST_TEST_MESSAGE("read_vihf on " << bytes->size() << " bytes: " << per_call.count()
                                       << " us per call");
  }
}

BOOST_AUTO_TEST_CASE(no_security_header_or_no_assertion_is_no_vihf) {
  BOOST_TEST(!read(plain_envelope()).has_value());
  VihfEnvelope empty_security(plain_envelope());
  empty_security.security();
  BOOST_TEST(!read(empty_security.serialize()).has_value());
}

BOOST_AUTO_TEST_CASE(the_signer_certificate_itself_may_be_the_trust_anchor) {
  BOOST_TEST(read(with_vihf(plain_envelope()), options("vihf-signer.pem")).has_value());
}

BOOST_AUTO_TEST_CASE(inclusive_c14n_is_accepted) {
  VihfSpec spec;
  spec.transforms = {"enveloped", "c14n"};
  BOOST_TEST(read(with_vihf(plain_envelope(), spec)).has_value());
}

BOOST_AUTO_TEST_CASE(purposes_of_use_and_modes_map) {
  for (const auto& [code, purpose] : std::vector<std::pair<std::string, soap::PurposeOfUse>>{
           {"bris_de_glace", soap::PurposeOfUse::BrisDeGlace},
           {"centre_15", soap::PurposeOfUse::Centre15}}) {
    VihfSpec spec;
    spec.set(kPurpose, {}, {{code, "1.2.250.1.213.1.1.4.248", ""}});
    const auto context = read(with_vihf(plain_envelope(), spec));
    BOOST_TEST_REQUIRE(context.has_value());
    BOOST_TEST((context->purpose == purpose));
  }
  for (const auto& [text, mode] : std::vector<std::pair<std::string, soap::AuthenticationMode>>{
           {"DIRECTE", soap::AuthenticationMode::Directe},
           {"INDIRECTE_RENFORCEE", soap::AuthenticationMode::IndirecteRenforcee}}) {
    VihfSpec spec;
    spec.set("Authentification_Mode", {text});
    const auto context = read(with_vihf(plain_envelope(), spec));
    BOOST_TEST_REQUIRE(context.has_value());
    BOOST_TEST((context->authentication == mode));
  }
}

BOOST_AUTO_TEST_CASE(secret_connection_and_role_based_profession) {
  VihfSpec spec;
  spec.set("urn:oasis:names:tc:xspa:1.0:resource:patient:hl7:confidentiality-code", {},
           {{"INVISIBLE_REPRESENTANTS_LEGAUX", "1.2.250.1.213.1.1.4.13", ""}});
  spec.set(kRole, {},
           {{"SECRETARIAT_MEDICAL", "1.2.250.1.213.1.1.4.6", ""},
            {"313", "1.2.250.1.213.1.6.1.107", ""}});
  spec.set("LPS_ID", {});  // optional
  spec.set("VIHF_Version", {"4.0"});
  spec.name_id = "310B0152872/SEC-0001";
  const auto context = read(with_vihf(plain_envelope(), spec));
  BOOST_TEST_REQUIRE(context.has_value());
  BOOST_TEST(context->secret_connection);
  BOOST_TEST(context->profession.code == "SECRETARIAT_MEDICAL");
  BOOST_TEST_REQUIRE(context->role.has_value());
  BOOST_TEST(context->role->code == "313");
  BOOST_TEST(!context->speciality.has_value());
  BOOST_TEST(context->software.id == "");
  BOOST_TEST(context->vihf_version == "4.0");
  BOOST_TEST((context->person_id_kind == soap::PersonIdKind::Other));
}

BOOST_AUTO_TEST_CASE(all_structure_id_kinds_of_r_id_2) {
  for (const char* id :
       {"0ABCDE123456", "1750000001", "2123456789", "312345678901234", "412345678901234"}) {
    BOOST_TEST_CONTEXT(id) {
      VihfSpec spec;
      spec.set("Identifiant_Structure", {id});
      BOOST_TEST(read(with_vihf(plain_envelope(), spec)).has_value());
    }
  }
  VihfSpec adeli;
  adeli.name_id = "0123456789AB";
  const auto context = read(with_vihf(plain_envelope(), adeli));
  BOOST_TEST_REQUIRE(context.has_value());
  BOOST_TEST((context->person_id_kind == soap::PersonIdKind::Adeli));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(validity_window)

BOOST_AUTO_TEST_CASE(an_expired_assertion_is_refused) {
  VihfSpec spec;
  spec.not_before = std::chrono::system_clock::now() - std::chrono::hours(2);
  spec.not_on_or_after = std::chrono::system_clock::now() - std::chrono::hours(1);
  const Error error = refusal_of(spec);
  BOOST_TEST(error.code == codes::kFailedAuthentication);
  BOOST_TEST(error.location == "saml:Conditions");
  BOOST_TEST(error.message.starts_with("VIHF: the assertion has expired (NotOnOrAfter "),
             error.message);
}

BOOST_AUTO_TEST_CASE(a_not_yet_valid_assertion_is_refused) {
  VihfSpec spec;
  spec.not_before = std::chrono::system_clock::now() + std::chrono::minutes(5);
  const Error error = refusal_of(spec);
  BOOST_TEST(error.code == codes::kFailedAuthentication);
  BOOST_TEST(error.message.starts_with("VIHF: the assertion is not yet valid (NotBefore "),
             error.message);
}

BOOST_AUTO_TEST_CASE(the_clock_skew_is_tolerated_and_configurable) {
  VihfSpec spec;
  spec.not_before = std::chrono::system_clock::now() + std::chrono::seconds(30);
  spec.not_on_or_after = std::chrono::system_clock::now() + std::chrono::minutes(10);
  const std::string early = with_vihf(plain_envelope(), spec);
  BOOST_TEST(read(early).has_value());
  auto strict = options();
  strict.clock_skew = std::chrono::seconds(0);
  BOOST_TEST(refusal(early, strict).code == codes::kFailedAuthentication);

  VihfSpec late;
  late.not_before = std::chrono::system_clock::now() - std::chrono::hours(1);
  late.not_on_or_after = std::chrono::system_clock::now() - std::chrono::seconds(30);
  const std::string just_expired = with_vihf(plain_envelope(), late);
  BOOST_TEST(read(just_expired).has_value());
  BOOST_TEST(refusal(just_expired, strict).code == codes::kFailedAuthentication);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(signature)

BOOST_AUTO_TEST_CASE(an_unsigned_assertion_is_refused) {
  VihfSpec spec;
  spec.sign = false;
  const Error error = refusal_of(spec);
  BOOST_TEST(error.code == codes::kFailedCheck);
  BOOST_TEST(error.message == "VIHF: the assertion is not signed");
}

BOOST_AUTO_TEST_CASE(an_attribute_altered_after_signing_is_refused) {
  VihfEnvelope envelope(plain_envelope());
  xmlNode* assertion = envelope.add_assertion();
  set_attribute_text(assertion, kResourceId, kOtherPatient);
  const Error error = refusal(envelope.serialize());
  BOOST_TEST(error.code == codes::kFailedCheck);
  BOOST_TEST(error.message == "VIHF: signature check failed: digest mismatch for reference \"#" +
                                  std::string(kAssertionId) + "\"",
             error.message);
}

BOOST_AUTO_TEST_CASE(an_altered_name_id_is_refused) {
  VihfEnvelope envelope(plain_envelope());
  xmlNode* assertion = envelope.add_assertion();
  xmlNode* subject = child_element(assertion, wss::kSaml2, "Subject");
  xmlNode* name_id = child_element(subject, wss::kSaml2, "NameID");
  xmlNodeSetContent(name_id, nullptr);
  xmlNodeAddContent(name_id, reinterpret_cast<const xmlChar*>("810000000002"));
  BOOST_TEST(refusal(envelope.serialize()).code == codes::kFailedCheck);
}

BOOST_AUTO_TEST_CASE(a_signer_outside_the_trust_store_is_refused) {
  VihfSpec spec;
  spec.signer = "foreign-client";
  const Error error = refusal_of(spec);
  BOOST_TEST(error.code == codes::kFailedAuthentication);
  BOOST_TEST(error.message.starts_with("VIHF: untrusted signer: signer certificate \"" +
                                       pki_subject("foreign-client") + "\" is not trusted"),
             error.message);
}

BOOST_AUTO_TEST_CASE(without_trusted_signers_every_assertion_is_refused) {
  wss::VihfOptions none;
  const Error error = refusal(with_vihf(plain_envelope()), none);
  BOOST_TEST(error.code == codes::kFailedAuthentication);
  BOOST_TEST(error.message == "VIHF: no trusted VIHF signers are configured (--vihf-trust)");
}

BOOST_AUTO_TEST_CASE(the_issuer_must_be_the_signer) {
  VihfSpec spec;
  spec.issuer = pki_subject("structure");
  const Error error = refusal_of(spec);
  BOOST_TEST(error.code == codes::kFailedAuthentication);
  BOOST_TEST(error.message == "VIHF: the Issuer '" + pki_subject("structure") +
                                  "' is not the signing certificate's subject '" +
                                  pki_subject("vihf-signer") + "'");
}

BOOST_AUTO_TEST_CASE(a_reference_to_anything_but_the_assertion_is_refused) {
  // A valid XML-DSig over the Body (wsu:Id), placed in the assertion: not a
  // VIHF signature.
  VihfEnvelope body_signed(plain_envelope());
  xmlNode* body = body_signed.body();
  xmlNewNsProp(
      body,
      xmlNewNs(body,
               reinterpret_cast<const xmlChar*>("http://docs.oasis-open.org/wss/2004/01/"
                                                "oasis-200401-wss-wssecurity-utility-1.0.xsd"),
               reinterpret_cast<const xmlChar*>("wsu")),
      reinterpret_cast<const xmlChar*>("Id"), reinterpret_cast<const xmlChar*>("body-1"));
  xmlAddID(nullptr, body_signed.doc(), reinterpret_cast<const xmlChar*>("body-1"),
           xmlHasNsProp(
               body, reinterpret_cast<const xmlChar*>("Id"),
               reinterpret_cast<const xmlChar*>("http://docs.oasis-open.org/wss/2004/01/"
                                                "oasis-200401-wss-wssecurity-utility-1.0.xsd")));
  VihfSpec to_body;
  to_body.reference_uri = "#body-1";
  body_signed.add_assertion(to_body);
  const Error error = refusal(body_signed.serialize());
  BOOST_TEST(error.code == codes::kFailedCheck);
  BOOST_TEST(error.message == "VIHF: the reference URI '#body-1' is not the assertion's own ID '#" +
                                  std::string(kAssertionId) + "'");
}

BOOST_AUTO_TEST_CASE(only_enveloped_and_c14n_transforms) {
  VihfSpec spec;
  spec.transforms = {"enveloped"};
  Error error = refusal_of(spec);
  BOOST_TEST(error.code == codes::kFailedCheck);
  BOOST_TEST(error.message ==
             "VIHF: the reference must have exactly the enveloped-signature and one C14N "
             "transform, got [http://www.w3.org/2000/09/xmldsig#enveloped-signature]");
  spec.transforms = {"enveloped", "exc-c14n", "c14n"};
  BOOST_TEST(refusal_of(spec).code == codes::kFailedCheck);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(signature_wrapping)

BOOST_AUTO_TEST_CASE(two_assertions_are_refused) {
  VihfEnvelope envelope(plain_envelope());
  envelope.add_assertion();
  VihfSpec second;
  second.id = "_vihf-assertion-2";
  envelope.add_assertion(second);
  const Error error = refusal(envelope.serialize());
  BOOST_TEST(error.code == codes::kInvalidSecurity);
  BOOST_TEST(error.message ==
             "VIHF: expected exactly one saml:Assertion in wsse:Security, found 2");
}

BOOST_AUTO_TEST_CASE(a_second_unsigned_assertion_is_refused) {
  VihfEnvelope envelope(plain_envelope());
  envelope.add_assertion();
  VihfSpec forged;
  forged.id = "_forged";
  forged.sign = false;
  envelope.add_assertion(forged);
  BOOST_TEST(refusal(envelope.serialize()).code == codes::kInvalidSecurity);
}

BOOST_AUTO_TEST_CASE(the_signed_assertion_moved_away_and_a_forged_one_in_its_place) {
  // The forged copy keeps the ID (so the reference would find it) and the
  // signature; the genuine one hides in another header block.
  VihfEnvelope envelope(plain_envelope());
  xmlNode* genuine = envelope.add_assertion();
  xmlNode* forged = xmlDocCopyNode(genuine, envelope.doc(), 1);
  set_attribute_text(forged, kResourceId, kOtherPatient);
  xmlUnlinkNode(genuine);
  xmlNode* hiding =
      xmlNewChild(envelope.header(), nullptr, reinterpret_cast<const xmlChar*>("Hiding"), nullptr);
  xmlSetNs(hiding, xmlNewNs(hiding, reinterpret_cast<const xmlChar*>("urn:attacker"), nullptr));
  xmlAddChild(hiding, genuine);
  xmlAddChild(envelope.security(), forged);
  const Error error = refusal(envelope.serialize());
  BOOST_TEST(error.code == codes::kInvalidSecurity);
  BOOST_TEST(error.message == "VIHF: the ID '" + std::string(kAssertionId) +
                                  "' appears more than once in the message");
}

BOOST_AUTO_TEST_CASE(a_forged_assertion_carrying_the_genuine_signature_is_refused) {
  // Same as above with a fresh ID on the forgery: its signature now points
  // elsewhere.
  VihfEnvelope envelope(plain_envelope());
  xmlNode* genuine = envelope.add_assertion();
  xmlNode* forged = xmlDocCopyNode(genuine, envelope.doc(), 1);
  xmlSetProp(forged, reinterpret_cast<const xmlChar*>("ID"),
             reinterpret_cast<const xmlChar*>("_forged"));
  set_attribute_text(forged, kResourceId, kOtherPatient);
  xmlUnlinkNode(genuine);
  xmlAddChild(envelope.body(), genuine);
  xmlAddChild(envelope.security(), forged);
  const Error error = refusal(envelope.serialize());
  BOOST_TEST(error.code == codes::kFailedCheck);
  BOOST_TEST(error.message == "VIHF: the reference URI '#" + std::string(kAssertionId) +
                                  "' is not the assertion's own ID '#_forged'");
}

BOOST_AUTO_TEST_CASE(an_assertion_nested_in_a_wrapper_is_refused) {
  VihfEnvelope envelope(plain_envelope());
  xmlNode* assertion = envelope.add_assertion();
  xmlNode* wrapper = xmlNewChild(envelope.security(), nullptr,
                                 reinterpret_cast<const xmlChar*>("Wrapper"), nullptr);
  xmlUnlinkNode(assertion);
  xmlAddChild(wrapper, assertion);
  const Error error = refusal(envelope.serialize());
  BOOST_TEST(error.code == codes::kInvalidSecurity);
  BOOST_TEST(error.message == "VIHF: the saml:Assertion must be a direct child of wsse:Security");
}

BOOST_AUTO_TEST_CASE(duplicate_ids_anywhere_are_refused) {
  for (const char* attribute : {"Id", "ID", "xml:id"}) {
    BOOST_TEST_CONTEXT(attribute) {
      VihfEnvelope envelope(plain_envelope());
      envelope.add_assertion();
      xmlNode* ping = envelope.body()->children;
      while (ping != nullptr && ping->type != XML_ELEMENT_NODE) ping = ping->next;
      BOOST_TEST_REQUIRE(ping != nullptr);
      if (std::string(attribute) == "xml:id") {
        xmlNewNsProp(
            ping, xmlSearchNs(envelope.doc(), ping, reinterpret_cast<const xmlChar*>("xml")),
            reinterpret_cast<const xmlChar*>("id"), reinterpret_cast<const xmlChar*>(kAssertionId));
      } else {
        xmlNewProp(ping, reinterpret_cast<const xmlChar*>(attribute),
                   reinterpret_cast<const xmlChar*>(kAssertionId));
      }
      const Error error = refusal(envelope.serialize());
      BOOST_TEST(error.code == codes::kInvalidSecurity);
      BOOST_TEST(error.message == "VIHF: the ID '" + std::string(kAssertionId) +
                                      "' appears more than once in the message");
    }
  }
}

BOOST_AUTO_TEST_CASE(two_security_headers_are_refused) {
  VihfEnvelope envelope(plain_envelope());
  envelope.add_assertion();
  xmlNode* second = xmlNewChild(envelope.header(), nullptr,
                                reinterpret_cast<const xmlChar*>("Security"), nullptr);
  xmlSetNs(second, xmlNewNs(second, reinterpret_cast<const xmlChar*>(ns::kWsse), nullptr));
  const Error error = refusal(envelope.serialize());
  BOOST_TEST(error.code == codes::kInvalidSecurity);
  BOOST_TEST(error.message == "VIHF: more than one wsse:Security header (2)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(attributes)

BOOST_AUTO_TEST_CASE(every_required_attribute_must_be_present) {
  for (const char* name : {"VIHF_Version", "Identifiant_Structure", "Secteur_Activite",
                           "urn:oasis:names:tc:xspa:1.0:subject:subject-id", kRole, kPurpose,
                           kResourceId, "Ressource_URN", "Authentification_Mode", "LPS_Nom",
                           "LPS_Version", "LPS_ID_HOMOLOGATION_DMP"}) {
    BOOST_TEST_CONTEXT(name) {
      VihfSpec spec;
      spec.set(name, {});
      const Error error = refusal_of(spec);
      BOOST_TEST(error.code == codes::kInvalidSecurityToken);
      BOOST_TEST(error.location == name);
      BOOST_TEST(error.message == token_refusal(name, "required attribute missing"));
    }
  }
}

BOOST_AUTO_TEST_CASE(an_attribute_given_twice_is_refused) {
  VihfEnvelope envelope(plain_envelope());
  VihfSpec spec;
  spec.attributes = default_vihf_attributes();
  spec.attributes.push_back({"LPS_Nom", {"Other"}, {}});
  const Error error = refusal_of(spec);
  BOOST_TEST(error.code == codes::kInvalidSecurityToken);
  BOOST_TEST(error.message == token_refusal("LPS_Nom", "the attribute is given twice"));
}

BOOST_AUTO_TEST_CASE(attribute_values_are_checked) {
  struct Case {
    std::string name;
    std::vector<std::string> text;
    std::vector<soap::CodedValue> coded;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"VIHF_Version", {"2.0"}, {}, "'2.0' is not 3.0 or 4.0"},
      {"Secteur_Activite",
       {"SA7^1.2.250.1.71.4.2.4"},
       {},
       "'SA7^1.2.250.1.71.4.2.4' is not SAxx^1.2.250.1.71.4.2.4"},
      {"Secteur_Activite", {"SA07^1.2.3"}, {}, "'SA07^1.2.3' is not SAxx^1.2.250.1.71.4.2.4"},
      {"Ressource_URN", {"urn:other"}, {}, "'urn:other' is not urn:dmp"},
      {"Authentification_Mode",
       {"CARTE"},
       {},
       "'CARTE' is not DIRECTE, INDIRECTE or INDIRECTE_RENFORCEE"},
      {kResourceId,
       {"1234567890123"},
       {},
       "'1234567890123' is not a patient id as CX (<id>^^^&<OID>&ISO^NH)"},
      {"LPS_Nom", {}, {{"x", "y", ""}}, "expected one text value"},
      {"urn:oasis:names:tc:xspa:1.0:subject:subject-id", {""}, {}, "the value is empty"},
      {kPurpose, {"normal"}, {}, "expected one coded value"},
      {kPurpose,
       {},
       {{"normal", "1.2.3", ""}},
       "code system '1.2.3', expected 1.2.250.1.213.1.1.4.248"},
      {kRole,
       {},
       {{"10", "1.2.250.1.71.1.2.7", ""}},
       "a doctor (TRE_G15 10) needs a speciality (TRE_R01 1.2.250.1.71.4.2.5)"},
      {kRole,
       {},
       {{"SM26", "1.2.250.1.71.4.2.5", ""}},
       "no profession (TRE_G15 1.2.250.1.71.1.2.7 or TRE_A00 1.2.250.1.213.1.1.4.6)"},
      {kRole,
       {},
       {{"21", "1.2.250.1.71.1.2.7", ""}, {"10", "1.2.250.1.71.1.2.7", ""}},
       "two codes of code system '1.2.250.1.71.1.2.7'"},
      {kRole,
       {},
       {{"10", "9.9.9", ""}},
       "code '10' has code system '9.9.9', expected TRE_G15 1.2.250.1.71.1.2.7, TRE_R01 "
       "1.2.250.1.71.4.2.5, TRE_R85 1.2.250.1.213.1.6.1.107 or TRE_A00 1.2.250.1.213.1.1.4.6"},
      {kRole, {"10"}, {}, "every role must be a coded value (code, codeSystem)"},
      {"urn:oasis:names:tc:xspa:1.0:resource:patient:hl7:confidentiality-code",
       {},
       {{"MASQUE_PS", "1.2.250.1.213.1.1.4.13", ""}},
       "only INVISIBLE_REPRESENTANTS_LEGAUX (1.2.250.1.213.1.1.4.13) is accepted, got 'MASQUE_PS'"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name << " " << c.why) {
      VihfSpec spec;
      spec.set(c.name, c.text, c.coded);
      const Error error = refusal_of(spec);
      BOOST_TEST(error.code == codes::kInvalidSecurityToken);
      BOOST_TEST(error.message == token_refusal(c.name, c.why));
    }
  }
}

BOOST_AUTO_TEST_CASE(an_unknown_purpose_of_use_is_refused) {
  VihfSpec spec;
  spec.set(kPurpose, {}, {{"curiosite", "1.2.250.1.213.1.1.4.248", ""}});
  const Error error = refusal_of(spec);
  BOOST_TEST(error.code == codes::kInvalidSecurityToken);
  BOOST_TEST(
      error.message ==
      token_refusal(kPurpose,
                    "unknown purpose of use 'curiosite' (normal, bris_de_glace or centre_15)"));
}

BOOST_AUTO_TEST_CASE(structure_ids_follow_r_id_2) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"510B0152872",
       "'510B0152872' has no known type prefix (0 ADELI, 1 FINESS, 2 SIREN, 3 SIRET, 4 RPPS; "
       "R-ID-2)"},
      {"10B015287", "'10B015287' is not a FINESS structure id (1 + 9 characters, R-ID-2)"},
      {"10b0152872", "'10b0152872' is not a FINESS structure id (1 + 9 characters, R-ID-2)"},
      {"212345678A", "'212345678A' is not a SIREN structure id (2 + 9 digits, R-ID-2)"},
      {"31234567890123", "'31234567890123' is not a SIRET structure id (3 + 14 digits, R-ID-2)"},
      {"4123", "'4123' is not an RPPS structure id (4 + 14 digits, R-ID-2)"},
      {"0123", "'0123' is not an ADELI structure id (0 + 11 characters, R-ID-2)"},
  };
  for (const auto& [id, why] : cases) {
    BOOST_TEST_CONTEXT(id) {
      VihfSpec spec;
      spec.set("Identifiant_Structure", {id});
      const Error error = refusal_of(spec);
      BOOST_TEST(error.code == codes::kInvalidSecurityToken);
      BOOST_TEST(error.message == token_refusal("Identifiant_Structure", why));
    }
  }
}

BOOST_AUTO_TEST_CASE(person_ids_follow_r_id_2) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"81000000000", "'81000000000' is not an RPPS person id (8 + 11 digits, R-ID-2)"},
      {"8100000000A1", "'8100000000A1' is not an RPPS person id (8 + 11 digits, R-ID-2)"},
      {"012345", "'012345' is not an ADELI person id (0 + 11 characters, R-ID-2)"},
      {"3NOSLASH", "'3NOSLASH' is not an internal person id (3 + structure id/local id, R-ID-2)"},
      {"910000000001",
       "'910000000001' has no known type prefix (8 RPPS, 0 ADELI, 3 internal; R-ID-2)"},
  };
  for (const auto& [id, why] : cases) {
    BOOST_TEST_CONTEXT(id) {
      VihfSpec spec;
      spec.name_id = id;
      const Error error = refusal_of(spec);
      BOOST_TEST(error.code == codes::kInvalidSecurityToken);
      BOOST_TEST(error.message == token_refusal("Subject/NameID", why));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(gateway_checks)

BOOST_AUTO_TEST_CASE(resource_id_must_be_the_request_patient) {
  const auto context = read(with_vihf(plain_envelope()));
  BOOST_TEST_REQUIRE(context.has_value());
  BOOST_CHECK_NO_THROW(wss::check_patient(*context, kTestPatient));
  // Same id and authority, without the type: the same patient.
  BOOST_CHECK_NO_THROW(wss::check_patient(*context, "1234567890123^^^&1.2.250.1.213.1.4.10&ISO"));
  for (const std::string& other :
       {std::string(kOtherPatient), std::string("1234567890123^^^&1.2.250.1.213.1.4.8&ISO^NH"),
        std::string("")}) {
    BOOST_TEST_CONTEXT(other) {
      try {
        wss::check_patient(*context, other);
        BOOST_FAIL("accepted");
      } catch (const Failure& failure) {
        BOOST_TEST(failure.error().code == codes::kFailedAuthentication);
        BOOST_TEST(failure.error().message == "VIHF: the assertion's resource-id '" +
                                                  std::string(kTestPatient) +
                                                  "' is not the request's patient '" + other + "'");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(indirect_authentication_needs_the_signer_as_tls_client) {
  const auto context = read(with_vihf(plain_envelope()));
  BOOST_TEST_REQUIRE(context.has_value());
  BOOST_CHECK_NO_THROW(wss::check_tls_client(*context, ""));
  BOOST_CHECK_NO_THROW(wss::check_tls_client(*context, pki_subject("vihf-signer")));
  try {
    wss::check_tls_client(*context, pki_subject("structure"));
    BOOST_FAIL("accepted");
  } catch (const Failure& failure) {
    BOOST_TEST(failure.error().code == codes::kFailedAuthentication);
    BOOST_TEST(failure.error().message ==
               "VIHF: indirect authentication, but the TLS client certificate '" +
                   pki_subject("structure") + "' is not the assertion's Issuer '" +
                   pki_subject("vihf-signer") + "'");
  }
}

BOOST_AUTO_TEST_CASE(direct_authentication_needs_the_professional_card) {
  VihfSpec spec;
  spec.set("Authentification_Mode", {"DIRECTE"});
  const auto context = read(with_vihf(plain_envelope(), spec));
  BOOST_TEST_REQUIRE(context.has_value());
  // certs/make-test-pki.sh: the professional's CN is 810000000001.
  BOOST_CHECK_NO_THROW(wss::check_tls_client(*context, pki_subject("professional")));
  try {
    wss::check_tls_client(*context, pki_subject("vihf-signer"));
    BOOST_FAIL("accepted");
  } catch (const Failure& failure) {
    BOOST_TEST(failure.error().code == codes::kFailedAuthentication);
    BOOST_TEST(failure.error().message ==
               "VIHF: direct authentication, but the TLS client certificate '" +
                   pki_subject("vihf-signer") + "' does not carry the NameID '810000000001'");
  }
}

BOOST_AUTO_TEST_CASE(saml_instants_are_utc_whole_seconds) {
  using namespace std::chrono;
  const auto at =
      sys_days(year(2026) / 11 / 26) + hours(4) + minutes(5) + seconds(6) + milliseconds(789);
  BOOST_TEST(wss::format_saml_instant(at) == "2026-11-26T04:05:06Z");
}

BOOST_AUTO_TEST_CASE(distinguished_names_compare_by_rdn) {
  BOOST_TEST(wss::same_distinguished_name("CN=a,O=B C,C=FR", "cn=a, o=B C , c=FR"));
  BOOST_TEST(wss::same_distinguished_name("/C=FR/O=B C/CN=a", "CN=a,O=B C,C=FR"));
  BOOST_TEST(!wss::same_distinguished_name("CN=a,O=B C", "CN=a,O=B D"));
  BOOST_TEST(!wss::same_distinguished_name("CN=a,O=b", "O=b,CN=a"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(profile_switch)

BOOST_AUTO_TEST_CASE(identity_vihf_is_required_or_optional) {
  BOOST_TEST(registry::load_named_profile("dmp").vihf_required);
  BOOST_TEST(!registry::load_named_profile("ihe-test").vihf_required);
  TempDir dir("passerelle-vihf-profile");
  const auto write = [&](const std::string& identity) {
    std::ofstream(dir.path() / "profile.json")
        << R"({"name": "x", "identity": )" << identity << "}";
  };
  write(R"({"vihf": "optional"})");
  BOOST_TEST(!registry::load_profile(dir.path()).vihf_required);
  write(R"({"vihf": "required"})");
  BOOST_TEST(registry::load_profile(dir.path()).vihf_required);
  for (const char* bad : {R"({"vihf": "maybe"})", R"({"vihf": true})", R"({"other": 1})"}) {
    BOOST_TEST_CONTEXT(bad) {
      write(bad);
      BOOST_CHECK_THROW(registry::load_profile(dir.path()), Failure);
    }
  }
  write(R"({"vihf": "maybe"})");
  try {
    registry::load_profile(dir.path());
  } catch (const Failure& failure) {
    BOOST_TEST(failure.error().message.find(
                   "'identity.vihf' must be \"required\" or \"optional\"") != std::string::npos,
               failure.error().message);
  }
}

BOOST_AUTO_TEST_SUITE_END()
