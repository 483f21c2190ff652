#define BOOST_TEST_MODULE lot_signature_verify
#include <boost/test/unit_test.hpp>
// libxml2's tree, to re-sign a changed signature document (resigned()), and
// xmlsec's transform ids, to choose a foreign signer's manifest transforms.
#include <libxml/tree.h>
#include <xmlsec/transforms.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "foreign_lot_signers.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/signature/lot_signature.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"

namespace signature = passerelle::signature;
namespace lot_codes = passerelle::signature::lot_codes;
using passerelle::Failure;
using namespace passerelle::testing;  // pki, TempDir and foreign_lot_signers.hpp

namespace {

struct SignatureFixture {
  signature::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(SignatureFixture);

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

signature::SigningKey key_of(const std::string& name) {
  return signature::SigningKey::from_pem_files(pki(name + ".key").string(),
                                               pki(name + ".pem").string());
}

const std::string kCda =
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2.3\"/></ClinicalDocument>";
const std::string kPdf = "%PDF-1.4 not really a PDF\n\x01\x02\x03";

// A two-document lot; documents hold their bytes.
signature::Lot two_document_lot(const std::string& cda = kCda, const std::string& pdf = kPdf) {
  signature::Lot lot;
  lot.unique_id = "1.2.250.1.999.1.1.20261126.1";
  lot.documents.push_back(signature::LotDocument::from_bytes("1.2.250.1.999.1.2.1", cda));
  lot.documents.push_back(signature::LotDocument::from_bytes("1.2.250.1.999.1.2.2", pdf));
  return lot;
}

std::shared_ptr<const signature::TrustStore> trust() {
  return signature::TrustStore::from_pem_file(pki("ca.pem").string());
}

passerelle::Error refusal(const std::string& signature_document, const signature::Lot& lot) {
  try {
    signature::verify_lot_signature(signature_document, lot, *trust());
  } catch (const Failure& f) {
    return f.error();
  }
  BOOST_FAIL("the lot signature verified but should not have");
  return {};
}

void replace(std::string& text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "'" + from + "' not found");
  text.replace(at, from.size(), to);
}

std::string element_text(const std::string& xml, const std::string& element) {
  const std::size_t begin = xml.find("<" + element + ">");
  BOOST_REQUIRE(begin != std::string::npos);
  const std::size_t start = begin + element.size() + 2;
  return xml.substr(start, xml.find("</" + element + ">", start) - start);
}

// The DigestValue text of the manifest reference to `uri`.
std::string manifest_digest(const std::string& xml, const std::string& uri) {
  const std::size_t at = xml.find("URI=\"" + uri + "\"");
  BOOST_REQUIRE(at != std::string::npos);
  const std::size_t start = xml.find("<ds:DigestValue>", at) + 16;
  return xml.substr(start, xml.find("</ds:DigestValue>", start) - start);
}

void set_manifest_digest(std::string& xml, const std::string& uri, const std::string& base64) {
  const std::size_t start = xml.find("<ds:DigestValue>", xml.find("URI=\"" + uri + "\"")) + 16;
  xml.replace(start, xml.find("</ds:DigestValue>", start) - start, base64);
}

void empty_element(std::string& xml, const std::string& element, std::size_t from = 0) {
  const std::size_t start = xml.find("<" + element + ">", from) + element.size() + 2;
  xml.erase(start, xml.find("</" + element + ">", start) - start);
}

// `signed_lot`, changed by the caller, signed again with `key`: SignedInfo
// digests, SignatureValue and the KeyInfo certificate are emptied and xmlsec
// fills them in anew, as a signer that wrote the changed manifest would.
std::string resigned(std::string signed_lot, const signature::SigningKey& key) {
  const std::size_t signed_info_end = signed_lot.find("</ds:SignedInfo>");
  for (std::size_t at = signed_lot.find("<ds:DigestValue>"); at < signed_info_end;
       at = signed_lot.find("<ds:DigestValue>", at + 1)) {
    empty_element(signed_lot, "ds:DigestValue", at);
  }
  empty_element(signed_lot, "ds:SignatureValue");
  empty_element(signed_lot, "ds:X509Certificate");
  signature::SignedXml document = signature::SignedXml::parse(signed_lot);
  xmlNode* root = xmlDocGetRootElement(document.doc());
  signature::register_id(document, element_named(root, "Manifest"), "Id");
  signature::register_id(document, element_named(root, "SignedProperties"), "Id");
  signature::sign(document, root, key);
  return document.serialize();
}

}  // namespace

BOOST_AUTO_TEST_CASE(round_trip_sign_then_verify) {
  const signature::Lot lot = two_document_lot();
  const std::string signed_lot = signature::sign_lot(lot, key_of("structure"));
  const signature::LotVerification verified =
      signature::verify_lot_signature(signed_lot, lot, *trust());
  BOOST_TEST(verified.signer.subject.find("CN=passerelle-test.10B0152872") != std::string::npos);
  BOOST_TEST(verified.signature_method == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
  BOOST_TEST(verified.digest_method == "http://www.w3.org/2001/04/xmlenc#sha256");
  const auto age = std::chrono::system_clock::now() - verified.signing_time;
  BOOST_TEST((age >= std::chrono::seconds(0) && age < std::chrono::minutes(1)));
  // The documented shape: manifest with one reference per document + the lot.
  BOOST_TEST(signed_lot.find("URI=\"urn:oid:1.2.250.1.999.1.2.1\"") != std::string::npos);
  BOOST_TEST(signed_lot.find("URI=\"urn:oid:1.2.250.1.999.1.1.20261126.1\"") != std::string::npos);
  BOOST_TEST(signed_lot.find("<ds:SignatureProperty Id=\"purposeOfSignature\"") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(xmlsec1_command_line_verifies_our_signature) {
  const signature::Lot lot = two_document_lot();
  const std::string signed_lot = signature::sign_lot(lot, key_of("structure"));
  passerelle::testing::TempDir dir("lot-sig");
  const auto file = dir.path() / "signature.xml";
  std::ofstream(file, std::ios::binary) << signed_lot;
  const std::string base = "xmlsec1 --verify --ignore-manifests --trusted-pem " +
                           pki("ca.pem").string() +
                           " --id-attr:Id 'http://www.w3.org/2000/09/xmldsig#:Manifest'"
                           " --id-attr:Id 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties' ";
  const std::string log = (dir.path() / "xmlsec1.log").string();
  BOOST_REQUIRE_MESSAGE(std::system("command -v xmlsec1 >/dev/null") == 0,
                        "the xmlsec1 command-line tool is required (apt-get install xmlsec1)");
  const int ok = std::system((base + file.string() + " >" + log + " 2>&1").c_str());
  BOOST_TEST(ok == 0, read(log));
  // And it is not a tool that accepts anything: a changed SigningTime fails.
  std::string tampered = signed_lot;
  const std::string time = element_text(signed_lot, "xades:SigningTime");
  replace(tampered, time, "2001" + time.substr(4));
  std::ofstream(file, std::ios::binary | std::ios::trunc) << tampered;
  BOOST_TEST(std::system((base + file.string() + " >" + log + " 2>&1").c_str()) != 0);
}

BOOST_AUTO_TEST_CASE(dmp_reference_client_algorithms_are_accepted) {
  const signature::Lot lot = two_document_lot();
  signature::LotSigningOptions options;
  options.dmp_reference_client_algorithms = true;
  const std::string signed_lot = signature::sign_lot(lot, key_of("structure"), options);
  BOOST_TEST(signed_lot.find("REC-xml-c14n-20010315#WithComments") != std::string::npos);
  BOOST_TEST(signed_lot.find("xmlenc#sha256") == std::string::npos);
  const signature::LotVerification verified =
      signature::verify_lot_signature(signed_lot, lot, *trust());
  BOOST_TEST(verified.signature_method == "http://www.w3.org/2000/09/xmldsig#rsa-sha1");
  BOOST_TEST(verified.digest_method == "http://www.w3.org/2000/09/xmldsig#sha1");
  // The lot's own reference as the DMP clients write it: one zero byte.
  BOOST_TEST(manifest_digest(signed_lot, "urn:oid:" + lot.unique_id) == "AA==");
}

// IHE DSG (ITI TF-3 §5.5.3.1): the SubmissionSet reference carries a zero
// hash. Ours is "AA==" in both signing modes, a digest-sized run of zeros is
// accepted too, anything else refused with its own code even when the
// signature over it is valid.
BOOST_AUTO_TEST_CASE(lot_reference_carries_the_zero_hash) {
  const signature::Lot lot = two_document_lot();
  const std::string lot_uri = "urn:oid:" + lot.unique_id;
  const std::string signed_lot = signature::sign_lot(lot, key_of("structure"));
  BOOST_TEST(manifest_digest(signed_lot, lot_uri) == "AA==");

  std::string zeros = signed_lot;
  set_manifest_digest(zeros, lot_uri, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  const std::string resigned_zeros = resigned(zeros, key_of("structure"));
  BOOST_TEST(manifest_digest(resigned_zeros, lot_uri) ==
             "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  BOOST_TEST(signature::verify_lot_signature(resigned_zeros, lot, *trust())
                 .signer.subject.find("CN=passerelle-test.10B0152872") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lot_reference_with_another_digest_is_refused) {
  const signature::Lot lot = two_document_lot();
  const std::string lot_uri = "urn:oid:" + lot.unique_id;
  std::string signed_lot = signature::sign_lot(lot, key_of("structure"));
  // The SHA-256 of the uniqueId's text, what Passerelle wrote before.
  set_manifest_digest(signed_lot, lot_uri, "YJgIMMFOUR0u+lmIdbrp74FL6rLutIk3QVtaE9lxzXg=");
  const std::string tampered = resigned(signed_lot, key_of("structure"));
  BOOST_TEST(manifest_digest(tampered, lot_uri) == "YJgIMMFOUR0u+lmIdbrp74FL6rLutIk3QVtaE9lxzXg=");
  const passerelle::Error error = refusal(tampered, lot);
  BOOST_TEST(error.code == lot_codes::kSubmissionSetDigest);
  BOOST_TEST(error.message ==
             "the manifest reference to the lot itself (urn:oid:1.2.250.1.999.1.1.20261126.1) has "
             "digest \"YJgIMMFOUR0u+lmIdbrp74FL6rLutIk3QVtaE9lxzXg=\", not the zero hash IHE DSG "
             "prescribes (\"AA==\")");
  // Without re-signing, the same change is caught by SignedInfo first.
  std::string unsigned_change = signature::sign_lot(lot, key_of("structure"));
  set_manifest_digest(unsigned_change, lot_uri, "AQ==");
  BOOST_TEST(refusal(unsigned_change, lot).code == lot_codes::kInvalid);
}

BOOST_AUTO_TEST_CASE(tampered_document_is_refused) {
  const std::string signed_lot = signature::sign_lot(two_document_lot(), key_of("structure"));
  const passerelle::Error error = refusal(signed_lot, two_document_lot(kCda, kPdf + "tampered"));
  BOOST_TEST(error.code == lot_codes::kDocumentAltered);
  BOOST_TEST(error.message ==
             "document urn:oid:1.2.250.1.999.1.2.2 does not have the signed digest");
}

BOOST_AUTO_TEST_CASE(tampered_manifest_digest_is_refused_by_signed_info) {
  const signature::Lot lot = two_document_lot();
  std::string signed_lot = signature::sign_lot(lot, key_of("structure"));
  // A forger recomputing the manifest digest for altered bytes breaks SignedInfo.
  const std::size_t at = signed_lot.find("URI=\"urn:oid:1.2.250.1.999.1.2.2\"");
  const std::size_t value = signed_lot.find("<ds:DigestValue>", at) + 16;
  signed_lot[value] = signed_lot[value] == 'A' ? 'B' : 'A';
  const passerelle::Error error = refusal(signed_lot, lot);
  BOOST_TEST(error.code == lot_codes::kInvalid);
  BOOST_TEST(error.message == "digest mismatch for reference \"#IHEManifest\"");
}

BOOST_AUTO_TEST_CASE(tampered_signed_properties_are_refused) {
  const signature::Lot lot = two_document_lot();
  std::string signed_lot = signature::sign_lot(lot, key_of("structure"));
  // Whitespace around the time: the verifier trims it, so the time and the
  // certificate checks see the same instant, but the signed bytes differ.
  // (Changing the instant itself raced a freshly made test PKI.)
  const std::string time = element_text(signed_lot, "xades:SigningTime");
  BOOST_REQUIRE(!time.empty());
  replace(signed_lot, ">" + time + "<", "> " + time + " <");
  const passerelle::Error error = refusal(signed_lot, lot);
  BOOST_TEST(error.code == lot_codes::kInvalid);
  BOOST_TEST(error.message == "digest mismatch for reference \"#lot-signature-signed-properties\"");
}

BOOST_AUTO_TEST_CASE(wrong_certificate_is_refused) {
  const signature::Lot lot = two_document_lot();
  std::string signed_lot = signature::sign_lot(lot, key_of("structure"));
  // Another certificate of the same CA put in KeyInfo.
  const std::string other =
      signature::certificates_from_pem(read(pki("professional.pem"))).front().der;
  std::string other_base64;
  {
    signature::SigningKey professional = key_of("professional");
    const signature::Lot empty_lot{"1.2.3", {}};
    other_base64 = element_text(signature::sign_lot(empty_lot, professional), "ds:X509Certificate");
  }
  replace(signed_lot, element_text(signed_lot, "ds:X509Certificate"), other_base64);
  BOOST_REQUIRE(!other.empty());
  const passerelle::Error error = refusal(signed_lot, lot);
  BOOST_TEST(error.code == lot_codes::kSigningCertificateMismatch);
  BOOST_TEST(error.message.find("xades:SigningCertificate digest is not the digest of the "
                                "ds:KeyInfo certificate") == 0u);
}

BOOST_AUTO_TEST_CASE(untrusted_signer_is_refused) {
  const signature::Lot lot = two_document_lot();
  const passerelle::Error error = refusal(signature::sign_lot(lot, key_of("foreign-client")), lot);
  BOOST_TEST(error.code == lot_codes::kUntrusted);
  BOOST_TEST(error.message.find("unable to get local issuer certificate") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(expired_certificate_is_refused) {
  const signature::Lot lot = two_document_lot();
  const passerelle::Error error = refusal(signature::sign_lot(lot, key_of("expired")), lot);
  BOOST_TEST(error.code == lot_codes::kCertificateNotValid);
  BOOST_TEST(error.message.find(": certificate has expired") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(signed_document_missing_from_the_lot_is_refused) {
  signature::Lot lot = two_document_lot();
  const std::string signed_lot = signature::sign_lot(lot, key_of("structure"));
  lot.documents.pop_back();
  const passerelle::Error error = refusal(signed_lot, lot);
  BOOST_TEST(error.code == lot_codes::kDocumentMissing);
  BOOST_TEST(error.message ==
             "the signature covers urn:oid:1.2.250.1.999.1.2.2, which is not in the lot");
}

BOOST_AUTO_TEST_CASE(extra_document_not_in_the_manifest_is_refused) {
  signature::Lot lot = two_document_lot();
  const std::string signed_lot = signature::sign_lot(lot, key_of("structure"));
  lot.documents.push_back(signature::LotDocument::from_bytes("1.2.250.1.999.1.2.3", "extra"));
  const passerelle::Error error = refusal(signed_lot, lot);
  BOOST_TEST(error.code == lot_codes::kDocumentNotCovered);
  BOOST_TEST(error.message ==
             "document urn:oid:1.2.250.1.999.1.2.3 is not covered by the signature");
}

BOOST_AUTO_TEST_CASE(signature_of_another_lot_is_refused) {
  const std::string signed_lot = signature::sign_lot(two_document_lot(), key_of("structure"));
  signature::Lot other = two_document_lot();
  other.unique_id = "1.2.250.1.999.1.1.99";
  const passerelle::Error error = refusal(signed_lot, other);
  BOOST_TEST(error.code == lot_codes::kMalformed);
  BOOST_TEST(error.message ==
             "the manifest has no reference to the lot itself (urn:oid:1.2.250.1.999.1.1.99)");
}

BOOST_AUTO_TEST_CASE(wrong_purpose_is_refused) {
  const signature::Lot lot = two_document_lot();
  signature::LotSigningOptions options;
  options.dmp_reference_client_algorithms = true;  // purpose only in the ds:SignatureProperty
  std::string signed_lot = signature::sign_lot(lot, key_of("structure"), options);
  replace(signed_lot, ">1.2.840.10065.1.12.1.14<", ">1.2.840.10065.1.12.1.1<");
  const passerelle::Error error = refusal(signed_lot, lot);
  BOOST_TEST(error.code == lot_codes::kWrongPurpose);
  BOOST_TEST(error.message ==
             "purpose of signature is \"1.2.840.10065.1.12.1.1\", not 1.2.840.10065.1.12.1.14");
}

BOOST_AUTO_TEST_CASE(not_a_signature_and_doctype_are_refused) {
  const signature::Lot lot = two_document_lot();
  const passerelle::Error error = refusal("<ClinicalDocument/>", lot);
  BOOST_TEST(error.code == lot_codes::kMalformed);
  BOOST_TEST(error.message == "the root element is not ds:Signature (enveloping signature)");
  BOOST_TEST(refusal("<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", lot).code ==
             passerelle::codes::kForbiddenXmlConstruct);
}

// ---------------------------------------------------------------------------
// Lots signed the way the two public DMP signers sign, built by
// foreign_lot_signers.hpp (docs/signature.md).

namespace {

// A CDA as the kit sends it (XmlDocument.OuterXml of its template): XML
// declaration, comments, a single-quoted attribute, attributes out of
// canonical order, empty elements, escapes, a CR LF.
const std::string kKitCda =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!--CR de test-->\n"
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" classCode='DOCCLIN' moodCode=\"EVN\">"
    "<typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>"
    "<id root=\"1.2.250.1.999.1.1.7898.4.1\"/><!-- g\xc3\xa9n\xc3\xa9r\xc3\xa9 -->"
    "<title>Compte rendu &amp; test > 1</title><text>ligne 1\r\nligne 2</text>"
    "</ClinicalDocument>\n";

// Its canonical forms, written out by hand from the C14N recommendations
// (not computed by the code under test): C14N 1.0 / 1.1 with comments…
const std::string kKitCdaC14nWithComments =
    "<!--CR de test-->\n"
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" classCode=\"DOCCLIN\" "
    "moodCode=\"EVN\">"
    "<typeId extension=\"POCD_HD000040\" root=\"2.16.840.1.113883.1.3\"></typeId>"
    "<id root=\"1.2.250.1.999.1.1.7898.4.1\"></id><!-- g\xc3\xa9n\xc3\xa9r\xc3\xa9 -->"
    "<title>Compte rendu &amp; test &gt; 1</title><text>ligne 1\nligne 2</text>"
    "</ClinicalDocument>";
// …without comments…
const std::string kKitCdaC14n =
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" classCode=\"DOCCLIN\" "
    "moodCode=\"EVN\">"
    "<typeId extension=\"POCD_HD000040\" root=\"2.16.840.1.113883.1.3\"></typeId>"
    "<id root=\"1.2.250.1.999.1.1.7898.4.1\"></id>"
    "<title>Compte rendu &amp; test &gt; 1</title><text>ligne 1\nligne 2</text>"
    "</ClinicalDocument>";
// …and exclusive C14N, which drops the unused xmlns:xsi.
const std::string kKitCdaExcC14nWithComments =
    "<!--CR de test-->\n"
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" classCode=\"DOCCLIN\" moodCode=\"EVN\">"
    "<typeId extension=\"POCD_HD000040\" root=\"2.16.840.1.113883.1.3\"></typeId>"
    "<id root=\"1.2.250.1.999.1.1.7898.4.1\"></id><!-- g\xc3\xa9n\xc3\xa9r\xc3\xa9 -->"
    "<title>Compte rendu &amp; test &gt; 1</title><text>ligne 1\nligne 2</text>"
    "</ClinicalDocument>";

const std::string kLotOid = "1.2.250.1.999.1.1.7898.3.1";
const std::string kCdaOid = "1.2.250.1.999.1.1.7898.4.1";
const std::string kKosOid = "1.2.250.1.999.1.1.7898.4.2";

// The refusal of the CDA when its canonical form (by `transform`) is not the signed one.
std::string cda_altered(const std::string& transform = kC14nWithComments) {
  return "document urn:oid:" + kCdaOid +
         " does not have the signed digest (of its canonical form, transform \"" + transform +
         "\")";
}

signature::Lot lot_of(std::vector<std::pair<std::string, std::string>> documents) {
  signature::Lot lot;
  lot.unique_id = kLotOid;
  for (auto& [unique_id, bytes] : documents) {
    lot.documents.push_back(signature::LotDocument::from_bytes(unique_id, std::move(bytes)));
  }
  return lot;
}

// The kit's lot: one CDA under a C14N-with-comments transform.
std::string kit_signed(const std::string& canonical_cda = kKitCdaC14nWithComments,
                       std::vector<xmlSecTransformId> transforms = {
                           xmlSecTransformInclC14NWithCommentsId}) {
  return foreign_signature(Signer::CSharpKit, kLotOid,
                           {{kCdaOid, canonical_cda, std::move(transforms)}}, key_of("structure"));
}

// xmlsec1's command-line tool on SignedInfo (manifests ignored), with the
// SignedProperties Id declared in `xades_ns`.
void xmlsec1_verifies(const std::string& signed_lot, const std::string& xades_ns) {
  BOOST_REQUIRE_MESSAGE(std::system("command -v xmlsec1 >/dev/null") == 0,
                        "the xmlsec1 command-line tool is required (apt-get install xmlsec1)");
  passerelle::testing::TempDir dir("lot-sig-foreign");
  const auto file = dir.path() / "signature.xml";
  std::ofstream(file, std::ios::binary) << signed_lot;
  const std::string log = (dir.path() / "xmlsec1.log").string();
  const std::string command =
      "xmlsec1 --verify --ignore-manifests --trusted-pem " + pki("ca.pem").string() +
      " --id-attr:Id 'http://www.w3.org/2000/09/xmldsig#:Manifest' --id-attr:Id '" + xades_ns +
      ":SignedProperties' " + file.string() + " >" + log + " 2>&1";
  BOOST_TEST(std::system(command.c_str()) == 0, read(log));
}

}  // namespace

BOOST_AUTO_TEST_CASE(lot_signed_like_the_csharp_dmp_kit_is_accepted) {
  const std::string signed_lot = kit_signed();
  // What the kit's sample writes, where it differs from Passerelle's own.
  BOOST_TEST(signed_lot.find("<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"" +
                             kSignatureOid + "\">") != std::string::npos);
  BOOST_TEST(signed_lot.find("<ds:Transform Algorithm=\"" + std::string(kC14nWithComments) +
                             "\"/>") != std::string::npos);
  BOOST_TEST(signed_lot.find("xmlns:xades=\"" + std::string(kXades132) + "\"") !=
             std::string::npos);
  BOOST_TEST(manifest_digest(signed_lot, "urn:oid:" + kLotOid) == "AA==");
  // The manifest digest is over the canonical form, not over the bytes sent.
  BOOST_TEST(manifest_digest(signed_lot, "urn:oid:" + kCdaOid) ==
             base64(sha1(kKitCdaC14nWithComments)));
  BOOST_TEST(base64(sha1(kKitCda)) != base64(sha1(kKitCdaC14nWithComments)));

  const signature::LotVerification verified =
      signature::verify_lot_signature(signed_lot, lot_of({{kCdaOid, kKitCda}}), *trust());
  BOOST_TEST(verified.signature_method == "http://www.w3.org/2000/09/xmldsig#rsa-sha1");
  BOOST_TEST(verified.digest_method == kSha1);
  BOOST_TEST(verified.xades_namespace == kXades132);
  BOOST_TEST(verified.signer.subject.find("CN=passerelle-test.10B0152872") != std::string::npos);
  xmlsec1_verifies(signed_lot, kXades132);
}

BOOST_AUTO_TEST_CASE(lot_signed_like_drimbox_with_xades_111_is_accepted) {
  // DRIMbox canonicalises the CDA before sending it; a KOS has no transform.
  const std::string kos = "DICM\x01\x02 not really a KOS";
  const std::string signed_lot = foreign_signature(
      Signer::Drimbox, kLotOid,
      {{kCdaOid, kKitCdaC14nWithComments, {xmlSecTransformInclC14NWithCommentsId}},
       {kKosOid, kos, {}}},
      key_of("structure"));
  BOOST_TEST(signed_lot.find("<QualifyingProperties xmlns=\"" + std::string(kXades111) + "\"") !=
             std::string::npos);
  BOOST_TEST(signed_lot.find("Type=\"http://uri.etsi.org/01903/v1.1.1#SignedProperties\"") !=
             std::string::npos);
  BOOST_TEST(signed_lot.find("<CertDigest><DigestMethod Algorithm=") != std::string::npos);

  const signature::LotVerification verified = signature::verify_lot_signature(
      signed_lot, lot_of({{kCdaOid, kKitCdaC14nWithComments}, {kKosOid, kos}}), *trust());
  BOOST_TEST(verified.xades_namespace == kXades111);
  BOOST_TEST(verified.signature_method == "http://www.w3.org/2000/09/xmldsig#rsa-sha1");
  BOOST_TEST(verified.digest_method == kSha1);
  const auto skew = std::chrono::system_clock::now() - verified.signing_time;
  BOOST_TEST((skew > -std::chrono::seconds(2) && skew < std::chrono::minutes(1)));
  xmlsec1_verifies(signed_lot, kXades111);

  // The same lot with the KOS altered: its raw digest no longer matches.
  const passerelle::Error error =
      refusal(signed_lot, lot_of({{kCdaOid, kKitCdaC14nWithComments}, {kKosOid, kos + "x"}}));
  BOOST_TEST(error.code == lot_codes::kDocumentAltered);
  BOOST_TEST(error.message == "document urn:oid:" + kKosOid + " does not have the signed digest");
}

// XAdES 1.1.1 is held to the same rules as 1.3.2, in its own vocabulary.
BOOST_AUTO_TEST_CASE(xades_111_gets_the_same_checks) {
  const signature::Lot lot = lot_of({{kCdaOid, kKitCdaC14nWithComments}});
  const std::vector<ForeignReference> references{
      {kCdaOid, kKitCdaC14nWithComments, {xmlSecTransformInclC14NWithCommentsId}}};
  const auto drimbox = [&](const ForeignOptions& options) {
    return foreign_signature(Signer::Drimbox, kLotOid, references, key_of("structure"), options);
  };

  ForeignOptions type_132;
  type_132.signed_properties_type = "http://uri.etsi.org/01903#SignedProperties";
  passerelle::Error error = refusal(drimbox(type_132), lot);
  BOOST_TEST(error.code == lot_codes::kMalformed);
  BOOST_TEST(error.message ==
             "ds:Reference \"#S0-SignedProperties\" has Type "
             "\"http://uri.etsi.org/01903#SignedProperties\"");
  // …and a 1.3.2 signature may not use 1.1.1's Type either.
  const std::string kit_111_type = foreign_signature(
      Signer::CSharpKit, kLotOid, references, key_of("structure"),
      ForeignOptions{"http://uri.etsi.org/01903/v1.1.1#SignedProperties", false, "", nullptr});
  error = refusal(kit_111_type, lot);
  BOOST_TEST(error.code == lot_codes::kMalformed);
  BOOST_TEST(error.message ==
             "ds:Reference \"#SignedProperties-Signature01\" has Type "
             "\"http://uri.etsi.org/01903/v1.1.1#SignedProperties\"");

  ForeignOptions ds_digest;
  ds_digest.cert_digest_in_ds = true;
  error = refusal(drimbox(ds_digest), lot);
  BOOST_TEST(error.code == lot_codes::kMalformed);
  BOOST_TEST(error.message == "no xades:DigestMethod in CertDigest");

  ForeignOptions other_serial;
  other_serial.serial = "4242";
  error = refusal(drimbox(other_serial), lot);
  BOOST_TEST(error.code == lot_codes::kSigningCertificateMismatch);
  BOOST_TEST(error.message ==
             "xades:SigningCertificate serial number 4242 is not the ds:KeyInfo "
             "certificate's " +
                 key_of("structure").certificate().serial);

  const passerelle::Error untrusted = refusal(
      foreign_signature(Signer::Drimbox, kLotOid, references, key_of("foreign-client")), lot);
  BOOST_TEST(untrusted.code == lot_codes::kUntrusted);
  BOOST_TEST(untrusted.message.find(": unable to get local issuer certificate") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(altered_cda_under_a_c14n_transform_is_refused) {
  std::string altered = kKitCda;
  replace(altered, "Compte rendu", "Compte rendu modifi\xc3\xa9");
  const passerelle::Error error = refusal(kit_signed(), lot_of({{kCdaOid, altered}}));
  BOOST_TEST(error.code == lot_codes::kDocumentAltered);
  BOOST_TEST(error.message == cda_altered());
}

// The digest is over the canonical form: what C14N normalises (attribute
// order and quotes, empty-element form, white space inside tags, character
// references, the XML declaration) may change; white space C14N keeps (a
// text node between elements) may not.
BOOST_AUTO_TEST_CASE(digest_is_over_the_canonical_form) {
  const std::string signed_lot = kit_signed();
  std::string normalised = kKitCda;
  replace(normalised, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "");
  replace(normalised, "classCode='DOCCLIN' moodCode=\"EVN\"",
          "moodCode='EVN'\n  classCode=\"DOCCLIN\"");
  replace(normalised, "<typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>",
          "<typeId extension='POCD_HD000040' root=\"2.16.840.1.113883.1.3\" ></typeId >");
  replace(normalised, "test > 1", "test &#x3E; 1");
  BOOST_TEST(signature::verify_lot_signature(signed_lot, lot_of({{kCdaOid, normalised}}), *trust())
                 .digest_method == kSha1);

  std::string spaced = kKitCda;
  replace(spaced, "</title><text>", "</title>\n  <text>");
  passerelle::Error error = refusal(signed_lot, lot_of({{kCdaOid, spaced}}));
  BOOST_TEST(error.code == lot_codes::kDocumentAltered);
  BOOST_TEST(error.message == cda_altered());
  // A comment is content under "#WithComments".
  std::string commented = kKitCda;
  replace(commented, "<!-- g\xc3\xa9n\xc3\xa9r\xc3\xa9 -->", "<!-- autre -->");
  error = refusal(signed_lot, lot_of({{kCdaOid, commented}}));
  BOOST_TEST(error.code == lot_codes::kDocumentAltered);
  BOOST_TEST(error.message == cda_altered());
}

// Each accepted canonicalization digests its own canonical form.
BOOST_AUTO_TEST_CASE(each_canonicalization_digests_its_canonical_form) {
  const struct {
    xmlSecTransformId transform;
    const std::string& canonical;
  } cases[] = {
      {xmlSecTransformInclC14NId, kKitCdaC14n},
      {xmlSecTransformInclC14NWithCommentsId, kKitCdaC14nWithComments},
      {xmlSecTransformInclC14N11Id, kKitCdaC14n},
      {xmlSecTransformInclC14N11WithCommentsId, kKitCdaC14nWithComments},
      {xmlSecTransformExclC14NWithCommentsId, kKitCdaExcC14nWithComments},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(reinterpret_cast<const char*>(c.transform->href)) {
      const std::string signed_lot = kit_signed(c.canonical, {c.transform});
      BOOST_TEST(signature::verify_lot_signature(signed_lot, lot_of({{kCdaOid, kKitCda}}), *trust())
                     .digest_method == kSha1);
    }
  }
  // Exclusive C14N without comments: neither the comments nor xmlns:xsi.
  std::string exclusive = kKitCdaExcC14nWithComments;
  replace(exclusive, "<!--CR de test-->\n", "");
  replace(exclusive, "<!-- g\xc3\xa9n\xc3\xa9r\xc3\xa9 -->", "");
  BOOST_TEST(signature::verify_lot_signature(kit_signed(exclusive, {xmlSecTransformExclC14NId}),
                                             lot_of({{kCdaOid, kKitCda}}), *trust())
                 .digest_method == kSha1);
  // A digest made for one canonicalization does not pass under another.
  const passerelle::Error error =
      refusal(kit_signed(kKitCdaC14nWithComments, {xmlSecTransformInclC14NId}),
              lot_of({{kCdaOid, kKitCda}}));
  BOOST_TEST(error.code == lot_codes::kDocumentAltered);
  BOOST_TEST(error.message == cda_altered("http://www.w3.org/TR/2001/REC-xml-c14n-20010315"));
}

BOOST_AUTO_TEST_CASE(manifest_transform_other_than_one_c14n_is_refused) {
  const signature::Lot lot = lot_of({{kCdaOid, kKitCda}});
  const std::string where = "manifest reference \"urn:oid:" + kCdaOid + "\"";
  const auto refused_with = [&](std::vector<xmlSecTransformId> transforms,
                                const std::string& message, const char* prefixes = nullptr) {
    ForeignReference reference{kCdaOid, kKitCdaC14nWithComments, std::move(transforms), prefixes};
    const passerelle::Error error = refusal(
        foreign_signature(Signer::CSharpKit, kLotOid, {reference}, key_of("structure")), lot);
    BOOST_TEST(error.code == lot_codes::kMalformed);
    BOOST_TEST(error.message == message);
  };
  refused_with({xmlSecTransformXPathId},
               where +
                   " has transform \"http://www.w3.org/TR/1999/REC-xpath-19991116\": only a "
                   "canonicalization (C14N 1.0, 1.1 or exclusive) is accepted");
  refused_with({xmlSecTransformEnvelopedId},
               where +
                   " has transform \"http://www.w3.org/2000/09/xmldsig#enveloped-signature\": only "
                   "a canonicalization (C14N 1.0, 1.1 or exclusive) is accepted");
  refused_with({xmlSecTransformInclC14NWithCommentsId, xmlSecTransformInclC14NWithCommentsId},
               where + " has 2 transforms: at most one canonicalization is accepted");
  refused_with({xmlSecTransformExclC14NId},
               where +
                   " transform \"http://www.w3.org/2001/10/xml-exc-c14n#\" has parameters: none "
                   "are accepted",
               "xsi");

  ForeignOptions lot_transform;
  lot_transform.lot_reference_transform = xmlSecTransformInclC14NWithCommentsId;
  const passerelle::Error error =
      refusal(foreign_signature(
                  Signer::CSharpKit, kLotOid,
                  {{kCdaOid, kKitCdaC14nWithComments, {xmlSecTransformInclC14NWithCommentsId}}},
                  key_of("structure"), lot_transform),
              lot);
  BOOST_TEST(error.code == lot_codes::kMalformed);
  BOOST_TEST(error.message ==
             "the manifest reference to the lot itself (urn:oid:" + kLotOid +
                 ") has a transform: it carries the zero hash, nothing is digested");
}

BOOST_AUTO_TEST_CASE(c14n_transform_over_a_document_that_is_not_xml_is_refused) {
  const std::string signed_lot = kit_signed();
  const std::string not_xml = "document urn:oid:" + kCdaOid +
                              " is not XML that can be canonicalized (manifest transform \"" +
                              kC14nWithComments + "\"): ";
  passerelle::Error error = refusal(signed_lot, lot_of({{kCdaOid, kPdf}}));
  BOOST_TEST(error.code == lot_codes::kDocumentNotXml);
  BOOST_TEST(error.message == not_xml + "Start tag expected, '<' not found (line 1)");
  // Nor XML Passerelle parses: a DOCTYPE (entities, external subsets).
  std::string with_doctype = kKitCda;
  replace(with_doctype, "<!--CR de test-->", "<!DOCTYPE ClinicalDocument [<!ENTITY e 'x'>]>");
  error = refusal(signed_lot, lot_of({{kCdaOid, with_doctype}}));
  BOOST_TEST(error.code == lot_codes::kDocumentNotXml);
  BOOST_TEST(error.message == not_xml + "DOCTYPE is not allowed (line 2)");
  // Well-formed, but C14N 1.0 is undefined over a relative namespace URI.
  std::string relative_namespace = kKitCda;
  replace(relative_namespace, "xmlns=\"urn:hl7-org:v3\"", "xmlns=\"hl7\"");
  error = refusal(signed_lot, lot_of({{kCdaOid, relative_namespace}}));
  BOOST_TEST(error.code == lot_codes::kDocumentNotXml);
  BOOST_TEST(error.message == not_xml + "Relative namespace UR is invalid here");  // sic
  // Truncated XML.
  error = refusal(signed_lot, lot_of({{kCdaOid, kKitCda.substr(0, kKitCda.size() / 2)}}));
  BOOST_TEST(error.code == lot_codes::kDocumentNotXml);
  BOOST_TEST(error.message ==
             not_xml + "Premature end of data in tag ClinicalDocument line 3 (line 3)");
}

// A CDA carrying a large attachment (12 MB in one text node) is
// canonicalized like any other: only SignedXml::parse's limits (size,
// depth) apply.
BOOST_AUTO_TEST_CASE(large_cda_under_a_c14n_transform_is_accepted) {
  const std::string cda = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><text>" +
                          std::string(12 * 1000 * 1000, 'A') + "</text></ClinicalDocument>";
  const std::string signed_lot = kit_signed(cda);  // already in canonical form
  BOOST_TEST(signature::verify_lot_signature(signed_lot, lot_of({{kCdaOid, cda}}), *trust())
                 .digest_method == kSha1);
}
