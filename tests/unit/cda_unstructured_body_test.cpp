#define BOOST_TEST_MODULE cda_unstructured_body
#include <boost/test/unit_test.hpp>

// Issue 10 (R-OUT-1, original format): the document a CDA's nonXMLBody
// carries, decoded, on the hand-written fixtures tests/fixtures/cda/
// minimal-n1.xml (a tiny PDF) and minimal-n3.xml (a structured body), each
// refusal with its exact code, location and message.

#include <fstream>
#include <sstream>
#include <string>

#include "passerelle/cda/unstructured_body.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"

using namespace passerelle;
namespace body_codes = cda::body_codes;

namespace {

struct Global {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PASSERELLE_SOURCE_DIR) + "/tests/fixtures/cda/" + name,
                   std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "missing fixture " << name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kBase64 =
    "JVBERi0xLjQKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZz4+ZW5kb2JqCnRyYWlsZXI8PC9Sb290IDEgMCBSPj4KJSVFT0YK";
const std::string kPdf =
    "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

std::string n1_with(const std::string& from, const std::string& to) {
  std::string text = fixture("minimal-n1.xml");
  const auto at = text.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "fixture lacks: " << from);
  return text.replace(at, from.size(), to);
}

// Runs `extract` and returns the Failure's error; fails the test when none.
Error refusal_of(const std::string& document) {
  try {
    cda::unstructured_body(document);
  } catch (const Failure& failure) {
    return failure.error();
  }
  BOOST_FAIL("no refusal");
  return {};
}

constexpr const char* kText = "ClinicalDocument/component/nonXMLBody/text";

}  // namespace

BOOST_AUTO_TEST_CASE(pdf_body_is_decoded_without_the_header) {
  const auto body = cda::unstructured_body(fixture("minimal-n1.xml"));
  BOOST_TEST_REQUIRE(body.has_value());
  BOOST_TEST(body->bytes == kPdf);
  BOOST_TEST(body->media_type == "application/pdf");
  BOOST_TEST(body->extension == "pdf");
}

BOOST_AUTO_TEST_CASE(each_media_type_has_its_extension) {
  const std::pair<const char*, const char*> media[] = {
      {"image/jpeg", "jpg"}, {"image/tiff", "tif"}, {"text/rtf", "rtf"}, {"text/plain", "txt"}};
  for (const auto& [type, extension] : media) {
    const auto body = cda::unstructured_body(
        n1_with("mediaType=\"application/pdf\"", std::string("mediaType=\"") + type + "\""));
    BOOST_TEST_REQUIRE(body.has_value());
    BOOST_TEST(body->media_type == type);
    BOOST_TEST(body->extension == extension);
    BOOST_TEST(body->bytes == kPdf);  // bytes are given as they are, not sniffed
  }
}

BOOST_AUTO_TEST_CASE(whitespace_in_the_base64_is_ignored) {
  const auto body = cda::unstructured_body(
      n1_with(kBase64, "\n   " + kBase64.substr(0, 20) + "\n   " + kBase64.substr(20) + "\n"));
  BOOST_TEST_REQUIRE(body.has_value());
  BOOST_TEST(body->bytes == kPdf);
}

BOOST_AUTO_TEST_CASE(malformed_base64_is_refused) {
  const auto error = refusal_of(n1_with(kBase64, kBase64.substr(0, 10) + "*" + kBase64.substr(11)));
  BOOST_TEST(error.code == body_codes::kMalformedBody);
  BOOST_TEST(error.location == kText);
  BOOST_TEST(error.message == "the nonXMLBody text is not valid base64");
  // Truncated (not a multiple of four symbols) too.
  BOOST_TEST(refusal_of(n1_with(kBase64, kBase64.substr(1))).message ==
             "the nonXMLBody text is not valid base64");
}

BOOST_AUTO_TEST_CASE(empty_body_is_refused) {
  const auto error = refusal_of(n1_with(kBase64, ""));
  BOOST_TEST(error.code == body_codes::kMalformedBody);
  BOOST_TEST(error.message == "the nonXMLBody text is empty");
}

BOOST_AUTO_TEST_CASE(missing_media_type_is_refused) {
  const auto error = refusal_of(n1_with("mediaType=\"application/pdf\" ", ""));
  BOOST_TEST(error.code == body_codes::kMalformedBody);
  BOOST_TEST(error.location == std::string(kText) + "/@mediaType");
  BOOST_TEST(error.message == "the nonXMLBody text has no mediaType");
}

BOOST_AUTO_TEST_CASE(other_media_type_is_refused) {
  const auto error =
      refusal_of(n1_with("mediaType=\"application/pdf\"", "mediaType=\"application/zip\""));
  BOOST_TEST(error.code == body_codes::kMalformedBody);
  BOOST_TEST(error.message ==
             "media type 'application/zip' is not one of application/pdf, image/jpeg, "
             "image/tiff, text/rtf, text/plain");
}

BOOST_AUTO_TEST_CASE(representation_other_than_b64_is_refused) {
  const auto error = refusal_of(n1_with("representation=\"B64\"", "representation=\"TXT\""));
  BOOST_TEST(error.code == body_codes::kMalformedBody);
  BOOST_TEST(error.location == std::string(kText) + "/@representation");
  BOOST_TEST(error.message == "the nonXMLBody text is not representation=\"B64\"");
}

BOOST_AUTO_TEST_CASE(structured_body_is_refused) {
  const auto error = refusal_of(fixture("minimal-n3.xml"));
  BOOST_TEST(error.code == body_codes::kStructuredBody);
  BOOST_TEST(error.location == "ClinicalDocument/component/structuredBody");
  BOOST_TEST(error.message ==
             "the CDA has a structured body: it has no original document to download (ask for "
             "the cda or xdm format)");
}

BOOST_AUTO_TEST_CASE(cda_without_a_body_is_refused) {
  std::string text = fixture("minimal-n1.xml");
  const auto begin = text.find("<component>");
  const auto end = text.find("</component>");
  BOOST_REQUIRE(begin != std::string::npos && end != std::string::npos);
  text.erase(begin, end + std::string("</component>").size() - begin);
  const auto error = refusal_of(text);
  BOOST_TEST(error.code == body_codes::kMalformedBody);
  BOOST_TEST(error.message == "the CDA has no body (component)");
}

// A CDA inside an enveloping signature is found as validation finds it.
BOOST_AUTO_TEST_CASE(signed_cda_is_unwrapped) {
  std::string cda = fixture("minimal-n1.xml");
  cda.erase(0, cda.find("<ClinicalDocument"));
  const auto body = cda::unstructured_body(
      "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:Object>" + cda +
      "</ds:Object></ds:Signature>");
  BOOST_TEST_REQUIRE(body.has_value());
  BOOST_TEST(body->bytes == kPdf);
}

// Not a CDA: the caller gives the stored bytes as the original.
BOOST_AUTO_TEST_CASE(other_content_is_not_a_cda) {
  BOOST_TEST(!cda::unstructured_body(kPdf).has_value());
  BOOST_TEST(!cda::unstructured_body("<note>hello</note>").has_value());
  BOOST_TEST(!cda::unstructured_body("").has_value());
}
