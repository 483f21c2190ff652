#define BOOST_TEST_MODULE metadata
#include "passerelle/registry/metadata.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ebrim_fixtures.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/vocabulary.hpp"

namespace xml = passerelle::xml;
namespace registry = passerelle::registry;
namespace vocab = passerelle::registry::vocab;
using registry::Code;
using registry::SubmitObjectsRequest;
using Strings = std::vector<std::string>;

namespace {

struct XercesFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XercesFixture);

SubmitObjectsRequest fixture() { return passerelle::testing::two_document_request(); }
SubmitObjectsRequest wrap(const std::string& objects) {
  return passerelle::testing::wrap_objects(objects);
}

std::string slot(const std::string& name, const Strings& values) {
  std::string out = "<rim:Slot name='" + name + "'><rim:ValueList>";
  for (const auto& v : values) out += "<rim:Value>" + v + "</rim:Value>";
  return out + "</rim:ValueList></rim:Slot>";
}

std::string document_with_slots(const std::string& slots) {
  return "<rim:ExtrinsicObject id='D' mimeType='text/plain'>" + slots + "</rim:ExtrinsicObject>";
}

const std::string kPatient = "1234567890123^^^&1.2.250.1.213.1.4.10&ISO^NH";
const std::string kPerson = "801234567890^DUPONT^Jean^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS";
const std::string kInstitution = "Hopital Test^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^11234567890";

}  // namespace

BOOST_AUTO_TEST_CASE(fixture_submission) {
  const SubmitObjectsRequest request = fixture();
  const registry::Submission submission = registry::read_submission(request);
  BOOST_TEST_REQUIRE(submission.submission_sets.size() == 1u);
  BOOST_TEST_REQUIRE(submission.documents.size() == 2u);
  BOOST_TEST(submission.folders.empty());
  BOOST_TEST_REQUIRE(submission.associations.size() == 2u);

  const registry::DocumentEntry& d = submission.documents[0];
  BOOST_TEST(d.object == &request.objects[0]);
  BOOST_TEST(d.entry_uuid == "Document01");
  BOOST_TEST(d.logical_id == "");
  BOOST_TEST(d.object_type == vocab::kStableDocumentEntry);
  BOOST_TEST(d.status == "");
  BOOST_TEST(d.mime_type == "application/pdf");
  BOOST_TEST(d.unique_id == "1.2.250.1.999.1.1.20240502.1");
  BOOST_TEST(d.patient_id == kPatient);
  BOOST_TEST(d.source_patient_id == kPatient);
  BOOST_TEST(
      d.source_patient_info == (Strings{"PID-5|DURAND^Marie^^^^^L", "PID-7|19750412", "PID-8|F"}),
      boost::test_tools::per_element());
  BOOST_TEST(d.title == "Compte rendu de consultation du 02/05/2024");
  BOOST_TEST(d.comments == "");
  BOOST_TEST(d.hash == "2b3b05e0ae55d229dbee5d49cf83fd4e3bb69358");
  BOOST_TEST(d.size_text == "172");
  BOOST_TEST((d.size == std::uint64_t{172}));
  BOOST_TEST(d.repository_unique_id == "");
  BOOST_TEST(d.creation_time == "20240502091500");
  BOOST_TEST(d.service_start_time == "20240502080000");
  BOOST_TEST(d.service_stop_time == "20240502084500");
  BOOST_TEST(d.language_code == "fr-FR");
  BOOST_TEST(d.legal_authenticator == kPerson);
  BOOST_TEST(d.uri == "");
  BOOST_TEST(d.reference_ids.empty());
  BOOST_TEST(d.version == "");
  BOOST_TEST_REQUIRE(d.authors.size() == 1u);
  BOOST_TEST((d.authors[0].person == kPerson));
  BOOST_TEST(d.authors[0].institutions == Strings{kInstitution}, boost::test_tools::per_element());
  BOOST_TEST(d.authors[0].roles.empty());
  BOOST_TEST(d.authors[0].specialties ==
                 Strings{"G15_10/SM26^Médecin - Qualifié en Médecine Générale (SM)^"
                         "1.2.250.1.213.1.1.4.5"},
             boost::test_tools::per_element());
  BOOST_TEST(
      d.authors[0].telecommunications == Strings{"^WPN^NET^jean.dupont@hopital-test.mssante.fr"},
      boost::test_tools::per_element());
  BOOST_TEST((d.class_code == Code{"10", "1.2.250.1.213.1.1.4.1", "Compte rendu"}));
  BOOST_TEST((d.type_code == Code{"11488-4", "2.16.840.1.113883.6.1",
                                  "CR ou fiche de consultation ou de visite"}));
  BOOST_TEST((d.format_code == Code{"urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3",
                                    "Document à corps non structuré en Pdf/A-1"}));
  BOOST_TEST((d.healthcare_facility_type_code ==
              Code{"SA01", "1.2.250.1.71.4.2.4", "Etablissement public de santé"}));
  BOOST_TEST((d.practice_setting_code ==
              Code{"ETABLISSEMENT", "1.2.250.1.213.1.1.4.9", "Etablissement de santé"}));
  BOOST_TEST((d.confidentiality_codes ==
              std::vector<Code>{Code{"N", "2.16.840.1.113883.5.25", "Normal"}}));
  BOOST_TEST(d.event_codes.empty());
  BOOST_TEST(submission.documents[1].entry_uuid == "Document02");
  BOOST_TEST(submission.documents[1].unique_id == "1.2.250.1.999.1.1.20240503.1");

  const registry::SubmissionSet& s = submission.submission_sets[0];
  BOOST_TEST(s.object == &request.objects[2]);
  BOOST_TEST(s.entry_uuid == "SubmissionSet01");
  BOOST_TEST(s.unique_id == "1.2.250.1.999.1.2.20240503.1");
  BOOST_TEST(s.source_id == "1.2.250.1.999.1");
  BOOST_TEST(s.patient_id == kPatient);
  BOOST_TEST(s.submission_time == "20240503120000");
  BOOST_TEST(s.title == "Dépôt de deux comptes rendus de consultation");
  BOOST_TEST_REQUIRE(s.authors.size() == 1u);
  BOOST_TEST((s.authors[0].person == kPerson));
  BOOST_TEST(
      (s.content_type_code == Code{"07", "1.2.250.1.213.2.2", "Consultations soins externes"}));
  BOOST_TEST(s.intended_recipients.empty());

  const registry::Association& a = submission.associations[1];
  BOOST_TEST(a.object == &request.objects[5]);
  BOOST_TEST(a.entry_uuid == "as02");
  BOOST_TEST(a.type == vocab::kHasMember);
  BOOST_TEST(a.source == "SubmissionSet01");
  BOOST_TEST(a.target == "Document02");
  BOOST_TEST(a.submission_set_status == "Original");
}

BOOST_AUTO_TEST_CASE(packages_by_classification_or_unique_id) {
  const SubmitObjectsRequest request = wrap(
      "<rim:RegistryPackage id='F1'>"
      "<rim:Slot name='lastUpdateTime'><rim:ValueList><rim:Value>20240101</rim:Value>"
      "</rim:ValueList></rim:Slot>"
      "<rim:Name><rim:LocalizedString value='Folder one'/></rim:Name>"
      "<rim:Description><rim:LocalizedString value='about'/></rim:Description>"
      "<rim:Classification id='fc1' classificationScheme='urn:uuid:1ba97051-7806-41a8-a48b-"
      "8fce7af683c5' classifiedObject='F1' nodeRepresentation='A'>"
      "<rim:Slot name='codingScheme'><rim:ValueList><rim:Value>1.2.3</rim:Value></rim:ValueList>"
      "</rim:Slot><rim:Name><rim:LocalizedString value='Code A'/></rim:Name></rim:Classification>"
      "<rim:Classification id='fc2' classificationScheme='urn:uuid:1ba97051-7806-41a8-a48b-"
      "8fce7af683c5' classifiedObject='F1' nodeRepresentation='B'/>"
      "<rim:ExternalIdentifier id='fe1' identificationScheme='urn:uuid:f64ffdf0-4b97-4e06-b79f-"
      "a52b38ec2f8a' registryObject='F1' value='P^^^&amp;1.2&amp;ISO'/>"
      "</rim:RegistryPackage>"
      "<rim:Classification id='c1' classifiedObject='F1'"
      " classificationNode='urn:uuid:d9d542f3-6cc4-48b6-8870-ea235fbc94c2'/>"
      "<rim:RegistryPackage id='F2'>"
      "<rim:ExternalIdentifier id='fe2' identificationScheme='urn:uuid:75df8f67-9973-4fbe-a900-"
      "df66cefecc5a' registryObject='F2' value='1.2.3.4'/></rim:RegistryPackage>"
      "<rim:RegistryPackage id='S1'>"
      "<rim:Slot name='intendedRecipient'><rim:ValueList><rim:Value>r1</rim:Value>"
      "<rim:Value>r2</rim:Value></rim:ValueList></rim:Slot>"
      "<rim:ExternalIdentifier id='se1' identificationScheme='urn:uuid:96fdda7c-d067-4183-912e-"
      "bf5ee74998a8' registryObject='S1' value='1.2.3.5'/></rim:RegistryPackage>"
      "<rim:RegistryPackage id='S2'><rim:Classification id='c2' classifiedObject='S2'"
      " classificationNode='urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd'/></rim:RegistryPackage>"
      "<rim:RegistryPackage id='Unclassified'/>");
  const registry::Submission submission = registry::read_submission(request);
  BOOST_TEST_REQUIRE(submission.folders.size() == 2u);
  const registry::Folder& f = submission.folders[0];
  BOOST_TEST(f.entry_uuid == "F1");
  BOOST_TEST(f.unique_id == "");
  BOOST_TEST(f.patient_id == "P^^^&1.2&ISO");
  BOOST_TEST(f.title == "Folder one");
  BOOST_TEST(f.comments == "about");
  BOOST_TEST(f.last_update_time == "20240101");
  BOOST_TEST((f.codes == std::vector<Code>{Code{"A", "1.2.3", "Code A"}, Code{"B", "", ""}}));
  BOOST_TEST(submission.folders[1].entry_uuid == "F2");
  BOOST_TEST(submission.folders[1].unique_id == "1.2.3.4");
  BOOST_TEST_REQUIRE(submission.submission_sets.size() == 2u);
  BOOST_TEST(submission.submission_sets[0].entry_uuid == "S1");
  BOOST_TEST(submission.submission_sets[0].intended_recipients == (Strings{"r1", "r2"}),
             boost::test_tools::per_element());
  BOOST_TEST(submission.submission_sets[1].entry_uuid == "S2");
  BOOST_TEST(submission.documents.empty());
  BOOST_TEST(submission.associations.empty());
}

BOOST_AUTO_TEST_CASE(size_is_read_only_when_a_valid_decimal) {
  const std::vector<std::pair<std::string, std::optional<std::uint64_t>>> cases = {
      {"0", 0u},
      {"18446744073709551615", 18446744073709551615u},
      {"18446744073709551616", std::nullopt},
      {"-1", std::nullopt},
      {"+5", std::nullopt},
      {" 5", std::nullopt},
      {"5a", std::nullopt},
      {"1e3", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& [text, expected] : cases) {
    BOOST_TEST_CONTEXT("size '" << text << "'") {
      const SubmitObjectsRequest request = wrap(document_with_slots(slot("size", {text})));
      const registry::DocumentEntry d = registry::read_document_entry(request.objects.at(0));
      BOOST_TEST((d.size == expected));
      BOOST_TEST(d.size_text == text);
    }
  }
  const SubmitObjectsRequest absent = wrap(document_with_slots(""));
  BOOST_TEST(!registry::read_document_entry(absent.objects.at(0)).size.has_value());
}

BOOST_AUTO_TEST_CASE(document_details) {
  const std::string author =
      "<rim:Classification id='a1' classificationScheme='urn:uuid:93606bcf-9494-43ec-9b4e-"
      "a7748d1a838d' classifiedObject='D' nodeRepresentation=''>" +
      slot("authorInstitution", {"I1", "I2"}) + slot("authorRole", {"R1", "R2"}) +
      "</rim:Classification>";
  const std::string event =
      [](const std::string& code) {
        return "<rim:Classification id='e" + code +
               "' classificationScheme='urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4'"
               " classifiedObject='D' nodeRepresentation='" +
               code + "'>" + slot("codingScheme", {"1.2.250.1.213.2.5"}) + "</rim:Classification>";
      }("X1") +
      "<rim:Classification id='c9' classificationScheme='urn:uuid:f4f85eac-e6cb-4883-b524-"
      "f2705394840f' classifiedObject='D' nodeRepresentation='MASQUE_PS'>" +
      slot("codingScheme", {"1.2.250.1.213.1.1.4.13"}) +
      "</rim:Classification>"
      "<rim:Classification id='c8' classificationScheme='urn:uuid:f4f85eac-"
      "e6cb-4883-b524-f2705394840f' classifiedObject='D'"
      " nodeRepresentation='N'/>";
  const SubmitObjectsRequest request = wrap(
      "<rim:ExtrinsicObject id='D' lid='L' status='urn:s' objectType='urn:uuid:34268e47-fdf5-41a6-"
      "ba33-82133c465248'>" +
      slot("URI", {"2|/b.txt", "1|http://example.org/a"}) +
      slot("urn:ihe:iti:xds:2013:referenceIdList",
           {"R1^^^&amp;1.2&amp;ISO^urn:ihe:iti:xds:2013:accession", "R2"}) +
      slot("repositoryUniqueId", {"1.2.3"}) +
      "<rim:Description><rim:LocalizedString value='c'/></rim:Description>"
      "<rim:VersionInfo versionName='3'/>" +
      author + event + "</rim:ExtrinsicObject>");
  const registry::DocumentEntry d = registry::read_document_entry(request.objects.at(0));
  BOOST_TEST(d.logical_id == "L");
  BOOST_TEST(d.status == "urn:s");
  BOOST_TEST(d.object_type == vocab::kOnDemandDocumentEntry);
  BOOST_TEST(d.uri == "http://example.org/a/b.txt");
  BOOST_TEST(d.reference_ids == (Strings{"R1^^^&1.2&ISO^urn:ihe:iti:xds:2013:accession", "R2"}),
             boost::test_tools::per_element());
  BOOST_TEST(d.repository_unique_id == "1.2.3");
  BOOST_TEST(d.comments == "c");
  BOOST_TEST(d.version == "3");
  BOOST_TEST_REQUIRE(d.authors.size() == 1u);
  BOOST_TEST(!d.authors[0].person.has_value());
  BOOST_TEST(d.authors[0].institutions == (Strings{"I1", "I2"}), boost::test_tools::per_element());
  BOOST_TEST(d.authors[0].roles == (Strings{"R1", "R2"}), boost::test_tools::per_element());
  BOOST_TEST((d.event_codes == std::vector<Code>{Code{"X1", "1.2.250.1.213.2.5", ""}}));
  BOOST_TEST(
      (d.confidentiality_codes ==
       std::vector<Code>{Code{"MASQUE_PS", "1.2.250.1.213.1.1.4.13", ""}, Code{"N", "", ""}}));
  BOOST_TEST(!d.class_code.has_value());
  BOOST_TEST(d.mime_type == "");
}

BOOST_AUTO_TEST_CASE(single_uri_value_is_taken_as_is) {
  const SubmitObjectsRequest request = wrap(document_with_slots(slot("URI", {"1|odd"})));
  BOOST_TEST(registry::read_document_entry(request.objects.at(0)).uri == "1|odd");
  const SubmitObjectsRequest unnumbered = wrap(document_with_slots(slot("URI", {"a", "b"})));
  BOOST_TEST(registry::read_document_entry(unnumbered.objects.at(0)).uri == "a");
}

BOOST_AUTO_TEST_CASE(empty_objects_read_as_empty) {
  const SubmitObjectsRequest request = wrap(
      "<rim:ExtrinsicObject id='D'/><rim:RegistryPackage id='P'/>"
      "<rim:Association id='A' associationType='urn:t' sourceObject='s' targetObject='t'/>");
  const registry::DocumentEntry d = registry::read_document_entry(request.objects[0]);
  BOOST_TEST(d.unique_id == "");
  BOOST_TEST(d.authors.empty());
  BOOST_TEST(!d.type_code.has_value());
  const registry::SubmissionSet s = registry::read_submission_set(request.objects[1]);
  BOOST_TEST(s.entry_uuid == "P");
  BOOST_TEST(!s.content_type_code.has_value());
  const registry::Association a = registry::read_association(request.objects[2]);
  BOOST_TEST(a.submission_set_status == "");
  BOOST_TEST(a.type == "urn:t");
  const registry::Submission submission = registry::read_submission(request);
  BOOST_TEST(submission.documents.size() == 1u);
  BOOST_TEST(submission.submission_sets.empty());
  BOOST_TEST(submission.folders.empty());
  BOOST_TEST(submission.associations.size() == 1u);
}
