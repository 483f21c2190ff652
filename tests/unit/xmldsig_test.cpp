#define BOOST_TEST_MODULE xmldsig
#include <boost/test/unit_test.hpp>
// xmlsec's templates build the signatures under test; its headers come
// after xmlsec.h.
#include <libxml/tree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmlsec.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/signature/signer.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "test_server.hpp"

namespace signature = passerelle::signature;
namespace codes = passerelle::codes;
using passerelle::Failure;
using passerelle::testing::pki;

namespace {

struct SignatureFixture {
  signature::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(SignatureFixture);

const xmlChar* x(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

signature::SigningKey key_of(const std::string& name) {
  return signature::SigningKey::from_pem_files(pki(name + ".key").string(),
                                               pki(name + ".pem").string());
}

// <root ID="a1"><data>hello</data><ds:Signature/></root>, enveloped
// signature over #a1 (RSA-SHA256, exclusive C14N), signer certificate in
// KeyInfo.
std::string signed_document(const signature::SigningKey& key, const char* reference_uri = "#a1") {
  signature::SignedXml document = signature::SignedXml::empty();
  xmlNodePtr root = xmlNewDocNode(document.doc(), nullptr, x("root"), nullptr);
  xmlDocSetRootElement(document.doc(), root);
  xmlSetNs(root, xmlNewNs(root, x("urn:test"), nullptr));
  xmlNewProp(root, x("ID"), x("a1"));
  xmlNewTextChild(root, nullptr, x("data"), x("hello"));
  xmlNodePtr sig = xmlSecTmplSignatureCreate(document.doc(), xmlSecTransformExclC14NId,
                                             xmlSecTransformRsaSha256Id, nullptr);
  xmlAddChild(root, sig);
  xmlNodePtr reference = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, nullptr,
                                                         x(reference_uri), nullptr);
  xmlSecTmplReferenceAddTransform(reference, xmlSecTransformEnvelopedId);
  xmlSecTmplReferenceAddTransform(reference, xmlSecTransformExclC14NId);
  xmlSecTmplKeyInfoAddX509Data(xmlSecTmplSignatureEnsureKeyInfo(sig, nullptr));
  signature::register_id(document, root, "ID");
  signature::sign(document, sig, key);
  return document.serialize();
}

std::shared_ptr<const signature::TrustStore> test_ca() {
  return signature::TrustStore::from_pem_file(pki("ca.pem").string());
}

signature::VerifiedSignature verify_bytes(const std::string& bytes,
                                          const signature::VerifyOptions& options = {}) {
  signature::SignedXml document = signature::SignedXml::parse(bytes, {}, "test");
  signature::register_id(document, xmlDocGetRootElement(document.doc()), "ID");
  return signature::verify(document, signature::find_signature(document), *test_ca(), options);
}

passerelle::Error verify_error(const std::string& bytes,
                               const signature::VerifyOptions& options = {}) {
  try {
    verify_bytes(bytes, options);
  } catch (const Failure& f) {
    return f.error();
  }
  BOOST_FAIL("verification succeeded but should have failed");
  return {};
}

passerelle::Error parse_error(std::string_view bytes, const passerelle::xml::Limits& limits = {}) {
  try {
    signature::SignedXml::parse(bytes, limits, "input");
  } catch (const Failure& f) {
    return f.error();
  }
  BOOST_FAIL("parse succeeded but should have failed");
  return {};
}

void replace(std::string& text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  BOOST_REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_CASE(signature_made_with_the_test_pki_verifies) {
  const std::string bytes = signed_document(key_of("professional"));
  const signature::VerifiedSignature verified = verify_bytes(bytes);
  BOOST_TEST(verified.signer.subject.find("CN=810000000001") != std::string::npos);
  BOOST_TEST(verified.signer.issuer.find("Passerelle Test Root CA") != std::string::npos);
  BOOST_TEST(verified.reference_uris == std::vector<std::string>{"#a1"});
  BOOST_TEST(verified.signature_method == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
  BOOST_TEST(verified.canonicalization_method == "http://www.w3.org/2001/10/xml-exc-c14n#");
}

BOOST_AUTO_TEST_CASE(expected_reference_uris_must_match_exactly) {
  const std::string bytes = signed_document(key_of("professional"));
  signature::VerifyOptions options;
  options.expected_reference_uris = {"#a1"};
  BOOST_TEST(verify_bytes(bytes, options).reference_uris.size() == 1u);
  options.expected_reference_uris = {"#other"};
  const passerelle::Error error = verify_error(bytes, options);
  BOOST_TEST(error.code == codes::kSignatureInvalid);
  BOOST_TEST(error.message == "ds:SignedInfo references \"#a1\" are not the expected ones");
}

BOOST_AUTO_TEST_CASE(tampered_content_is_refused) {
  std::string bytes = signed_document(key_of("professional"));
  replace(bytes, "<data>hello</data>", "<data>hellp</data>");
  const passerelle::Error error = verify_error(bytes);
  BOOST_TEST(error.code == codes::kSignatureInvalid);
  BOOST_TEST(error.message == "digest mismatch for reference \"#a1\"");
}

BOOST_AUTO_TEST_CASE(tampered_signature_value_is_refused) {
  std::string bytes = signed_document(key_of("professional"));
  const std::size_t at = bytes.find("<SignatureValue>") + std::string("<SignatureValue>").size();
  bytes[at] = bytes[at] == 'A' ? 'B' : 'A';
  const passerelle::Error error = verify_error(bytes);
  BOOST_TEST(error.code == codes::kSignatureInvalid);
  BOOST_TEST(error.message.find("the signature value does not verify with the key of") == 0u);
}

BOOST_AUTO_TEST_CASE(untrusted_signer_is_refused) {
  const std::string bytes = signed_document(key_of("foreign-client"));
  const passerelle::Error error = verify_error(bytes);
  BOOST_TEST(error.code == codes::kSignatureInvalid);
  BOOST_TEST(error.message.find("is not trusted: unable to get local issuer certificate") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(expired_certificate_is_refused) {
  const std::string bytes = signed_document(key_of("expired"));
  const passerelle::Error error = verify_error(bytes);
  BOOST_TEST(error.code == codes::kSignatureInvalid);
  BOOST_TEST(error.message.find("is not trusted: certificate has expired") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(chain_is_checked_as_at_the_given_instant) {
  const std::string bytes = signed_document(key_of("professional"));
  signature::VerifyOptions before_issue;
  before_issue.at = std::chrono::system_clock::now() - std::chrono::hours(24 * 365 * 5);
  const passerelle::Error error = verify_error(bytes, before_issue);
  BOOST_TEST(error.message.find("is not trusted: certificate is not yet valid") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(external_reference_uri_is_refused_before_xmlsec) {
  const std::string bytes = signed_document(key_of("professional"));
  std::string external = bytes;
  replace(external, "URI=\"#a1\"", "URI=\"http://127.0.0.1:1/x\"");
  const passerelle::Error error = verify_error(external);
  BOOST_TEST(error.code == codes::kSignatureInvalid);
  BOOST_TEST(error.message ==
             "reference URI \"http://127.0.0.1:1/x\" is not a same-document reference");
}

BOOST_AUTO_TEST_CASE(xpointer_reference_is_refused) {
  std::string bytes = signed_document(key_of("professional"));
  replace(bytes, "URI=\"#a1\"", "URI=\"#xpointer(/)\"");
  const passerelle::Error error = verify_error(bytes);
  BOOST_TEST(error.code == codes::kSignatureInvalid);
  BOOST_TEST(error.message ==
             "reference URI \"#xpointer(/)\" is an XPointer expression, not a bare ID");
}

BOOST_AUTO_TEST_CASE(unaccepted_algorithm_is_refused) {
  std::string bytes = signed_document(key_of("professional"));
  replace(bytes, "http://www.w3.org/2001/04/xmlenc#sha256",
          "http://www.w3.org/2001/04/xmldsig-more#md5");
  const passerelle::Error error = verify_error(bytes);
  BOOST_TEST(error.code == codes::kSignatureInvalid);
  BOOST_TEST(
      error.message ==
      "algorithm not accepted in ds:DigestMethod: \"http://www.w3.org/2001/04/xmldsig-more#md5\"");
}

BOOST_AUTO_TEST_CASE(missing_key_info_is_refused) {
  std::string bytes = signed_document(key_of("professional"));
  const std::size_t begin = bytes.find("<KeyInfo>");
  const std::size_t end = bytes.find("</KeyInfo>") + std::string("</KeyInfo>").size();
  BOOST_REQUIRE(begin != std::string::npos);
  bytes.erase(begin, end - begin);
  const passerelle::Error error = verify_error(bytes);
  BOOST_TEST(error.message == "no ds:KeyInfo: the signer certificate is required");
}

BOOST_AUTO_TEST_CASE(key_of_another_certificate_is_refused) {
  try {
    signature::SigningKey::from_pem_files(pki("structure.key").string(),
                                          pki("professional.pem").string());
    BOOST_FAIL("a key that is not the certificate's was accepted");
  } catch (const Failure& f) {
    BOOST_TEST(f.error().code == codes::kInternalError);
    BOOST_TEST(f.error().message.find("the private key is not the key of certificate \"") == 0u,
               f.error().message);
  }
}

BOOST_AUTO_TEST_CASE(doctype_is_refused) {
  const passerelle::Error error =
      parse_error("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>");
  BOOST_TEST(error.code == codes::kForbiddenXmlConstruct);
  BOOST_TEST(error.message == "DOCTYPE is not allowed");
  BOOST_TEST(parse_error("<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>").code ==
             codes::kForbiddenXmlConstruct);
}

BOOST_AUTO_TEST_CASE(undeclared_entity_and_malformed_input_are_refused) {
  BOOST_TEST(parse_error("<r>&e;</r>").code == codes::kMalformedXml);
  BOOST_TEST(parse_error("<r><a></r>").code == codes::kMalformedXml);
  BOOST_TEST(parse_error("").code == codes::kMalformedXml);
}

BOOST_AUTO_TEST_CASE(limits_are_enforced) {
  passerelle::xml::Limits limits;
  limits.max_depth = 3;
  BOOST_TEST(parse_error("<a><b><c><d/></c></b></a>", limits).code == codes::kXmlLimitExceeded);
  BOOST_CHECK_NO_THROW(signature::SignedXml::parse("<a><b><c/></b></a>", limits));
  limits = {};
  limits.max_attributes_per_element = 2;
  BOOST_TEST(parse_error("<a x='1' y='2' z='3'/>", limits).code == codes::kXmlLimitExceeded);
  limits = {};
  limits.max_bytes = 10;
  BOOST_TEST(parse_error("<a>0123456789</a>", limits).code == codes::kXmlLimitExceeded);
}

BOOST_AUTO_TEST_CASE(duplicate_ids_are_refused) {
  signature::SignedXml document =
      signature::SignedXml::parse("<r><a ID='x'/><b ID='x'/></r>", {}, "test");
  xmlNodePtr a = xmlFirstElementChild(xmlDocGetRootElement(document.doc()));
  signature::register_id(document, a, "ID");
  try {
    signature::register_id(document, xmlNextElementSibling(a), "ID");
    BOOST_FAIL("duplicate ID accepted");
  } catch (const Failure& f) {
    BOOST_TEST(f.error().message == "duplicate ID \"x\"");
  }
}
