#define BOOST_TEST_MODULE ebrim
#include "passerelle/registry/ebrim.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace xml = passerelle::xml;
namespace fs = std::filesystem;
using passerelle::Failure;
using passerelle::registry::ObjectKind;
using passerelle::registry::parse_submit_objects;
using passerelle::registry::RegistryObject;
using passerelle::registry::SubmitObjectsRequest;
namespace vocab = passerelle::registry::vocab;

namespace {

struct XercesFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XercesFixture);

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string fixture(const std::string& name) {
  return read_file(fs::path(PASSERELLE_SOURCE_DIR) / "tests/fixtures/xds" / name);
}

SubmitObjectsRequest parse_text(const std::string& text) {
  const xml::Document doc = xml::parse(text);
  return parse_submit_objects(doc.root());
}

SubmitObjectsRequest round_trip(const SubmitObjectsRequest& request) {
  return parse_text(passerelle::registry::serialize(request));
}

constexpr const char* kOpen =
    "<lcm:SubmitObjectsRequest xmlns:lcm='urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0'"
    " xmlns:rim='urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0'><rim:RegistryObjectList>";
constexpr const char* kClose = "</rim:RegistryObjectList></lcm:SubmitObjectsRequest>";

std::string wrap(const std::string& objects) { return kOpen + objects + kClose; }

passerelle::Error parse_error(const std::string& text) {
  try {
    parse_text(text);
  } catch (const Failure& failure) {
    return failure.error();
  }
  BOOST_FAIL("parse succeeded but should have failed: " << text);
  return {};
}

void check_error(const std::string& text, const std::string& location, const std::string& message) {
  const passerelle::Error error = parse_error(text);
  BOOST_TEST(error.code == passerelle::xds_codes::kRegistryMetadataError);
  BOOST_TEST(error.location == location);
  BOOST_TEST(error.message == message);
}

}  // namespace

BOOST_AUTO_TEST_CASE(fixture_objects) {
  const SubmitObjectsRequest request = parse_text(fixture("provide_and_register_two_docs.xml"));
  BOOST_TEST(request.request_slots.empty());
  BOOST_TEST_REQUIRE(request.objects.size() == 6u);

  const RegistryObject& doc = request.objects[0];
  BOOST_TEST((doc.kind == ObjectKind::ExtrinsicObject));
  BOOST_TEST(doc.element_name == "ExtrinsicObject");
  BOOST_TEST(doc.id == "Document01");
  BOOST_TEST(doc.mime_type == "application/pdf");
  BOOST_TEST(doc.object_type == vocab::kStableDocumentEntry);
  BOOST_TEST(!doc.is_opaque.has_value());
  BOOST_TEST(!doc.version_name.has_value());
  BOOST_TEST(doc.slots.size() == 9u);
  BOOST_TEST_REQUIRE(doc.slot("sourcePatientInfo") != nullptr);
  BOOST_TEST(
      doc.slot("sourcePatientInfo")->values ==
          (std::vector<std::string>{"PID-5|DURAND^Marie^^^^^L", "PID-7|19750412", "PID-8|F"}),
      boost::test_tools::per_element());
  BOOST_TEST(doc.slot("legalAuthenticator")->values.at(0) ==
             "801234567890^DUPONT^Jean^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS");
  BOOST_TEST(doc.slot("nope") == nullptr);
  BOOST_TEST_REQUIRE(doc.name.size() == 1u);
  BOOST_TEST(doc.name[0].value == "Compte rendu de consultation du 02/05/2024");
  BOOST_TEST(doc.name[0].lang == "fr-FR");
  BOOST_TEST(doc.name[0].charset == "UTF-8");
  BOOST_TEST(doc.classifications.size() == 7u);
  BOOST_TEST(doc.classifications[6].id == "cl0107");
  BOOST_TEST(doc.classifications[6].classification_scheme == vocab::kDocTypeCode);
  BOOST_TEST(doc.classifications[6].classified_object == "Document01");
  BOOST_TEST(doc.classifications[6].node_representation == "11488-4");
  BOOST_TEST(doc.classifications[6].name.at(0).value == "CR ou fiche de consultation ou de visite");
  BOOST_TEST(doc.external_identifiers.size() == 2u);
  BOOST_TEST(doc.external_identifiers[1].value == "1.2.250.1.999.1.1.20240502.1");
  BOOST_TEST(doc.external_identifiers[1].registry_object == "Document01");
  BOOST_TEST(doc.external_identifiers[1].name.at(0).lang == "");
  BOOST_TEST(doc.extras.attributes.empty());
  BOOST_TEST(doc.extras.elements.empty());

  const RegistryObject& set = request.objects[2];
  BOOST_TEST((set.kind == ObjectKind::RegistryPackage));
  BOOST_TEST(set.id == "SubmissionSet01");

  const RegistryObject& node = request.objects[3];
  BOOST_TEST((node.kind == ObjectKind::Classification));
  BOOST_TEST(node.id == "cl0803");
  BOOST_TEST_REQUIRE(node.classification.has_value());
  BOOST_TEST(node.classification->id == "cl0803");
  BOOST_TEST(node.classification->classified_object == "SubmissionSet01");
  BOOST_TEST(node.classification->classification_node == vocab::kSubmissionSetNode);
  BOOST_TEST(node.classification->classification_scheme == "");

  const RegistryObject& association = request.objects[5];
  BOOST_TEST((association.kind == ObjectKind::Association));
  BOOST_TEST(association.association_type == vocab::kHasMember);
  BOOST_TEST(association.source_object == "SubmissionSet01");
  BOOST_TEST(association.target_object == "Document02");
  BOOST_TEST(association.slot("SubmissionSetStatus")->values.at(0) == "Original");
}

BOOST_AUTO_TEST_CASE(fixture_round_trips) {
  const SubmitObjectsRequest first = parse_text(fixture("provide_and_register_two_docs.xml"));
  const std::string text = passerelle::registry::serialize(first);
  const SubmitObjectsRequest second = parse_text(text);
  BOOST_TEST((second == first));
  BOOST_TEST(passerelle::registry::serialize(second) == text);
}

BOOST_AUTO_TEST_CASE(unknown_content_is_kept) {
  const std::string text =
      "<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope'"
      " xmlns:ext='urn:example:ext' xmlns:unused='urn:example:unused'><soap:Body>"
      "<lcm:SubmitObjectsRequest xmlns:lcm='urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0'"
      " xmlns:rim='urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0'"
      " xmlns:rs='urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0'>"
      "<rs:RequestSlotList><rim:Slot name='urn:x:req'><rim:ValueList><rim:Value>r1</rim:Value>"
      "</rim:ValueList></rim:Slot></rs:RequestSlotList>"
      "<rim:RegistryObjectList>"
      "<rim:ExtrinsicObject id='Doc' lid='urn:uuid:11111111-1111-4111-8111-111111111111'"
      " status='urn:oasis:names:tc:ebxml-regrep:StatusType:Approved' home='urn:home'"
      " mimeType='text/plain' isOpaque='false' custom='a&amp;b&#10;c' ext:flag='yes'>"
      "<rim:Slot name='urn:x:extra' slotType='rim:string'><rim:ValueList>"
      "<rim:Value>one &lt;1&gt;</rim:Value><rim:Value></rim:Value></rim:ValueList></rim:Slot>"
      "<rim:Name><rim:LocalizedString xml:lang='en' value='A'/>"
      "<rim:LocalizedString charset='ISO-8859-1' value='B'/></rim:Name>"
      "<rim:Description><rim:LocalizedString value='d'/></rim:Description>"
      "<rim:VersionInfo versionName='2'/>"
      "<rim:Classification id='c1' classificationScheme='urn:uuid:unknown-scheme'"
      " classifiedObject='Doc' nodeRepresentation='X' status='s'>"
      "<ext:Note>in classification</ext:Note></rim:Classification>"
      "<rim:ExternalIdentifier id='e1' identificationScheme='urn:x:scheme' registryObject='Doc'"
      " value='v' ext:kind='k'/>"
      "<rim:ContentVersionInfo versionName='1'/>"
      "<ext:Extension a='1'><ext:Inner>t<!--c--></ext:Inner><plain xmlns=''/></ext:Extension>"
      "</rim:ExtrinsicObject>"
      "<rim:ObjectRef id='urn:uuid:22222222-2222-4222-8222-222222222222' createReplica='false'/>"
      "</rim:RegistryObjectList></lcm:SubmitObjectsRequest></soap:Body></soap:Envelope>";
  const xml::Document doc = xml::parse(text);
  const auto* request_element = xml::first_child_element(
      *xml::first_child_element(doc.root(), "http://www.w3.org/2003/05/soap-envelope", "Body"),
      passerelle::registry::ns::kLcm, "SubmitObjectsRequest");
  BOOST_TEST_REQUIRE(request_element != nullptr);
  const SubmitObjectsRequest request = parse_submit_objects(*request_element);

  BOOST_TEST_REQUIRE(request.request_slots.size() == 1u);
  BOOST_TEST(request.request_slots[0].name == "urn:x:req");
  BOOST_TEST_REQUIRE(request.objects.size() == 2u);
  const RegistryObject& o = request.objects[0];
  BOOST_TEST(o.lid == "urn:uuid:11111111-1111-4111-8111-111111111111");
  BOOST_TEST(o.status == vocab::kApproved);
  BOOST_TEST(o.home == "urn:home");
  BOOST_TEST((o.is_opaque == false));
  BOOST_TEST((o.version_name == std::string("2")));
  BOOST_TEST(o.slots.at(0).slot_type == "rim:string");
  BOOST_TEST(o.slots.at(0).values == (std::vector<std::string>{"one <1>", ""}),
             boost::test_tools::per_element());
  BOOST_TEST(o.name.size() == 2u);
  BOOST_TEST(o.name.at(0).lang == "en");
  BOOST_TEST(o.name.at(1).charset == "ISO-8859-1");
  BOOST_TEST(o.description.at(0).value == "d");

  using Attributes = std::vector<std::pair<std::string, std::string>>;
  BOOST_TEST(
      (o.extras.attributes ==
       Attributes{{"custom", "a&b\nc"}, {"xmlns:ext", "urn:example:ext"}, {"ext:flag", "yes"}}));
  BOOST_TEST(
      (o.extras.elements ==
       std::vector<std::string>{
           "<rim:ContentVersionInfo xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\""
           " versionName=\"1\"/>",
           "<ext:Extension xmlns:ext=\"urn:example:ext\" a=\"1\"><ext:Inner>t<!--c-->"
           "</ext:Inner><plain xmlns=\"\"/></ext:Extension>"}));
  const auto& c = o.classifications.at(0);
  BOOST_TEST(c.classification_scheme == "urn:uuid:unknown-scheme");
  BOOST_TEST((c.extras.attributes == Attributes{{"status", "s"}}));
  BOOST_TEST((c.extras.elements ==
              std::vector<std::string>{
                  "<ext:Note xmlns:ext=\"urn:example:ext\">in classification</ext:Note>"}));
  const auto& e = o.external_identifiers.at(0);
  BOOST_TEST(
      (e.extras.attributes == Attributes{{"xmlns:ext", "urn:example:ext"}, {"ext:kind", "k"}}));

  const RegistryObject& ref = request.objects[1];
  BOOST_TEST((ref.kind == ObjectKind::Other));
  BOOST_TEST(ref.element_name == "ObjectRef");
  BOOST_TEST(ref.id == "urn:uuid:22222222-2222-4222-8222-222222222222");
  BOOST_TEST((ref.extras.attributes == Attributes{{"createReplica", "false"}}));

  const SubmitObjectsRequest again = round_trip(request);
  BOOST_TEST((again == request));
  BOOST_TEST((round_trip(again) == request));
}

BOOST_AUTO_TEST_CASE(single_object_serialization_declares_its_namespace) {
  const SubmitObjectsRequest request = parse_text(fixture("provide_and_register_two_docs.xml"));
  const std::string text = passerelle::registry::serialize(request.objects[3]);
  BOOST_TEST(text ==
             "<rim:Classification xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\""
             " id=\"cl0803\" classificationNode=\"urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd\""
             " classifiedObject=\"SubmissionSet01\"></rim:Classification>");
  const std::string doc_text = passerelle::registry::serialize(request.objects[0]);
  const SubmitObjectsRequest wrapped = parse_text(std::string(kOpen) + doc_text + kClose);
  BOOST_TEST_REQUIRE(wrapped.objects.size() == 1u);
  BOOST_TEST((wrapped.objects[0] == request.objects[0]));
}

BOOST_AUTO_TEST_CASE(structural_errors) {
  check_error("<lcm:SubmitObjectsRequest xmlns:lcm='urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0'/>",
              "SubmitObjectsRequest", "lcm:SubmitObjectsRequest has no rim:RegistryObjectList");
  check_error("<lcm:Other xmlns:lcm='urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0'/>", "Other",
              "expected lcm:SubmitObjectsRequest, found Other in namespace "
              "'urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0'");
  check_error(wrap("<rim:ExtrinsicObject mimeType='text/plain'/>"), "ExtrinsicObject",
              "rim:ExtrinsicObject has no id attribute");
  check_error(wrap("<rim:ExtrinsicObject id=''/>"), "ExtrinsicObject",
              "rim:ExtrinsicObject has no id attribute");
  check_error(wrap("<x:Thing xmlns:x='urn:x' id='t'/>"), "Thing",
              "element Thing in rim:RegistryObjectList is not in the ebRIM namespace");
  check_error(wrap("<rim:ExtrinsicObject id='D'><rim:Classification id='C' "
                   "classificationScheme='urn:s' nodeRepresentation=''/></rim:ExtrinsicObject>"),
              "C", "rim:Classification has no classifiedObject");
  check_error(wrap("<rim:ExtrinsicObject id='D'><rim:Classification "
                   "classificationScheme='urn:s'/></rim:ExtrinsicObject>"),
              "D", "rim:Classification has no classifiedObject");
  check_error(wrap("<rim:ExtrinsicObject id='D'><rim:Classification id='C' "
                   "classifiedObject='D'/></rim:ExtrinsicObject>"),
              "C", "rim:Classification has neither classificationScheme nor classificationNode");
  check_error(wrap("<rim:Classification id='C' classificationNode='urn:n'/>"), "C",
              "rim:Classification has no classifiedObject");
  check_error(wrap("<rim:Association id='A' associationType='t' sourceObject='s'/>"), "A",
              "rim:Association has no targetObject");
  check_error(wrap("<rim:Association id='A' sourceObject='s' targetObject='t'/>"), "A",
              "rim:Association has no associationType");
  check_error(wrap("<rim:Association id='A' associationType='t' targetObject='t'/>"), "A",
              "rim:Association has no sourceObject");
  check_error(wrap("<rim:RegistryPackage id='P'><rim:ExternalIdentifier id='E' "
                   "identificationScheme='urn:s' registryObject='P'/></rim:RegistryPackage>"),
              "E", "rim:ExternalIdentifier has no value");
  check_error(wrap("<rim:RegistryPackage id='P'><rim:ExternalIdentifier id='E' "
                   "identificationScheme='urn:s' value='v'/></rim:RegistryPackage>"),
              "E", "rim:ExternalIdentifier has no registryObject");
  check_error(wrap("<rim:RegistryPackage id='P'><rim:ExternalIdentifier id='E' "
                   "registryObject='P' value='v'/></rim:RegistryPackage>"),
              "E", "rim:ExternalIdentifier has no identificationScheme");
  check_error(wrap("<rim:RegistryPackage id='P'><rim:Slot><rim:ValueList/></rim:Slot>"
                   "</rim:RegistryPackage>"),
              "P", "rim:Slot has no name attribute");
  check_error(wrap("<rim:RegistryPackage id='P'><rim:Name><rim:LocalizedString xml:lang='fr'/>"
                   "</rim:Name></rim:RegistryPackage>"),
              "P", "rim:Name/rim:LocalizedString has no value attribute");
  check_error(wrap("<rim:ExtrinsicObject id='D' isOpaque='maybe'/>"), "D",
              "rim:ExtrinsicObject isOpaque 'maybe' is not a boolean");
  check_error(std::string(kOpen) + "</rim:RegistryObjectList><rim:RegistryObjectList>" + kClose,
              "SubmitObjectsRequest", "more than one rim:RegistryObjectList");
}

namespace {

// The lcm:SubmitObjectsRequest elements of a corpus file, which may be a
// bare request, a SOAP envelope or a whole MTOM message.
std::vector<std::string> xml_candidates(const std::string& content) {
  if (content.rfind("--", content.find_first_not_of(" \r\n")) !=
      content.find_first_not_of(" \r\n")) {
    return {content};
  }
  // MTOM: the boundary is the first line; each part has headers, a blank
  // line, then its body.
  const std::size_t start = content.find("--");
  std::string boundary = content.substr(start, content.find('\n', start) - start);
  if (!boundary.empty() && boundary.back() == '\r') boundary.pop_back();
  std::vector<std::string> out;
  std::size_t pos = start;
  while ((pos = content.find(boundary, pos)) != std::string::npos) {
    pos += boundary.size();
    const std::size_t next = content.find(boundary, pos);
    const std::string part =
        content.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    std::size_t body = part.find("\r\n\r\n");
    body = body == std::string::npos ? part.find("\n\n") : body;
    if (body != std::string::npos && part.find("SubmitObjectsRequest") != std::string::npos) {
      std::string text = part.substr(body);
      text.erase(0, text.find('<'));
      text.erase(text.find_last_of('>') + 1);
      out.push_back(text);
    }
  }
  return out;
}

void collect_requests(const xercesc::DOMElement& element,
                      std::vector<const xercesc::DOMElement*>& out) {
  if (xml::is_element(element, passerelle::registry::ns::kLcm, "SubmitObjectsRequest")) {
    out.push_back(&element);
    return;
  }
  for (const auto* child : xml::child_elements(element)) collect_requests(*child, out);
}

}  // namespace

BOOST_AUTO_TEST_CASE(nist_testkit_round_trips) {
  const fs::path corpus = fs::path(PASSERELLE_SHARED_DIR) / "corpus/nist-testkit";
  if (!fs::is_directory(corpus)) {
    BOOST_TEST_MESSAGE("skipped: " << corpus << " is absent");
    return;
  }
  std::size_t files = 0;
  std::size_t requests = 0;
  std::size_t other_versions = 0;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    if (!entry.is_regular_file()) continue;
    const std::string content = read_file(entry.path());
    if (content.find("SubmitObjectsRequest") == std::string::npos) continue;
    ++files;
    BOOST_TEST_CONTEXT(entry.path().string()) {
      for (const std::string& candidate : xml_candidates(content)) {
        std::optional<xml::Document> doc;
        try {
          doc.emplace(xml::parse(candidate));
        } catch (const Failure& failure) {
          BOOST_ERROR("not XML: " << failure.error().message);
          continue;
        }
        std::vector<const xercesc::DOMElement*> found;
        collect_requests(doc->root(), found);
        // ebXML 2.1 requests of the older tests have another namespace.
        if (found.empty()) ++other_versions;
        for (const auto* element : found) {
          ++requests;
          try {
            const SubmitObjectsRequest first = parse_submit_objects(*element);
            const SubmitObjectsRequest second = round_trip(first);
            BOOST_TEST((second == first));
            // The XDS reading of real submissions must not throw either.
            const passerelle::registry::Submission submission =
                passerelle::registry::read_submission(first);
            BOOST_TEST(submission.documents.size() + submission.submission_sets.size() +
                           submission.folders.size() + submission.associations.size() <=
                       first.objects.size());
          } catch (const Failure& failure) {
            BOOST_ERROR("Failure " << failure.error().location << ": " << failure.error().message);
          }
        }
      }
    }
  }
  BOOST_TEST_MESSAGE(files << " corpus files, " << requests << " lcm:SubmitObjectsRequest, "
                           << other_versions << " without one (other ebXML versions)");
  BOOST_TEST(requests >= 90u);
}
