#define BOOST_TEST_MODULE validation
#include "passerelle/registry/validation.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace {

namespace reg = passerelle::registry;
namespace vocab = passerelle::registry::vocab;
namespace xds = passerelle::xds_codes;
using passerelle::Error;
using reg::Classification;
using reg::ExternalIdentifier;
using reg::RegistryObject;
using reg::Slot;
using reg::SubmitObjectsRequest;

struct XmlRuntime {
  passerelle::xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntime);

constexpr const char* kPatient = "1234567890123^^^&1.2.250.1.213.1.4.10&ISO^NH";
constexpr const char* kRepository = "1.2.250.1.999.2";

// The valid two-document lot, as the repository hands it to the registry
// (repositoryUniqueId filled in).
const SubmitObjectsRequest& base_request() {
  static const SubmitObjectsRequest request = [] {
    std::ifstream in(std::string(PASSERELLE_SOURCE_DIR) +
                         "/tests/fixtures/xds/provide_and_register_two_docs.xml",
                     std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const auto document = passerelle::xml::parse(bytes.str());
    SubmitObjectsRequest parsed = reg::parse_submit_objects(document.root());
    for (auto& object : parsed.objects) {
      if (object.kind == reg::ObjectKind::ExtrinsicObject) {
        object.slots.push_back({"repositoryUniqueId", "", {kRepository}});
      }
    }
    return parsed;
  }();
  return request;
}

reg::CodeList codes(std::vector<reg::CodeEntry> entries) {
  return reg::CodeList(std::move(entries));
}

reg::Profile test_profile() {
  reg::Profile profile;
  profile.name = "test";
  profile.code_lists.emplace("classCode", codes({{"10", "1.2.250.1.213.1.1.4.1", "Compte rendu"},
                                                 {"11", "1.2.250.1.213.1.1.4.1", "Synthèse"}}));
  profile.code_lists.emplace("typeCode", codes({{"11488-4", "2.16.840.1.113883.6.1", "CR"},
                                                {"34133-9", "2.16.840.1.113883.6.1", "Synthèse"}}));
  profile.code_lists.emplace("confidentialityCode",
                             codes({{"N", "2.16.840.1.113883.5.25", "Normal"},
                                    {"R", "2.16.840.1.113883.5.25", "Restreint"},
                                    {"V", "2.16.840.1.113883.5.25", "Très restreint"}}));
  profile.code_lists.emplace("contentTypeCode", codes({{"07", "1.2.250.1.213.2.2", "Consult"}}));
  profile.code_lists.emplace("folderCodeList", codes({{"F1", "1.2.3.4", "Folder code"}}));
  profile.patient_id_authorities = {"1.2.250.1.213.1.4.10"};
  profile.class_code_for_type_code = {{"11488-4", "10"}, {"34133-9", "11"}};
  profile.max_confidentiality_codes = 2;
  return profile;
}

std::vector<Error> validate(const SubmitObjectsRequest& request,
                            const reg::Profile& profile = test_profile()) {
  const reg::Submission submission = reg::read_submission(request);
  return reg::validate_submission(request, submission, profile);
}

std::string describe(const std::vector<Error>& errors) {
  std::ostringstream out;
  for (const auto& e : errors) out << "\n  " << e.code << " @" << e.location << ": " << e.message;
  return out.str();
}

void expect_valid(const std::vector<Error>& errors) {
  BOOST_TEST(errors.empty(), "unexpected errors:" << describe(errors));
}

// Exactly one error, with that code, location and message fragment.
void expect_only(const std::vector<Error>& errors, const std::string& code,
                 const std::string& location, const std::string& fragment) {
  BOOST_TEST_REQUIRE(errors.size() == 1u, "expected one error, got:" << describe(errors));
  BOOST_TEST(errors[0].code == code);
  BOOST_TEST(errors[0].location == location);
  BOOST_TEST((errors[0].severity == passerelle::Severity::Error));
  BOOST_TEST(errors[0].message.find(fragment) != std::string::npos,
             "message '" << errors[0].message << "' lacks '" << fragment << "'");
}

// Some error has that code, location and message fragment.
void expect_error(const std::vector<Error>& errors, const std::string& code,
                  const std::string& location, const std::string& fragment) {
  for (const auto& e : errors) {
    if (e.code == code && e.location == location && e.message.find(fragment) != std::string::npos) {
      return;
    }
  }
  BOOST_ERROR("no " << code << " @" << location << " '" << fragment << "' in:" << describe(errors));
}

// ---- mutation helpers ----

RegistryObject& object(SubmitObjectsRequest& request, const std::string& id) {
  for (auto& o : request.objects) {
    if (o.id == id) return o;
  }
  throw std::runtime_error("no object " + id);
}

void set_slot(std::vector<Slot>& slots, const std::string& name, std::vector<std::string> values) {
  for (auto& slot : slots) {
    if (slot.name == name) {
      slot.values = std::move(values);
      return;
    }
  }
  slots.push_back({name, "", std::move(values)});
}

void remove_slot(std::vector<Slot>& slots, const std::string& name) {
  std::erase_if(slots, [&](const Slot& slot) { return slot.name == name; });
}

Classification& classification(RegistryObject& o, const std::string& scheme) {
  for (auto& c : o.classifications) {
    if (c.classification_scheme == scheme) return c;
  }
  throw std::runtime_error("no classification " + scheme + " on " + o.id);
}

void remove_classifications(RegistryObject& o, const std::string& scheme) {
  std::erase_if(o.classifications,
                [&](const Classification& c) { return c.classification_scheme == scheme; });
}

Classification code(const std::string& id, const std::string& scheme, const std::string& object,
                    const std::string& value, const std::string& coding_scheme) {
  Classification c;
  c.id = id;
  c.classification_scheme = scheme;
  c.classified_object = object;
  c.node_representation = value;
  c.slots.push_back({"codingScheme", "", {coding_scheme}});
  c.name.push_back({value, "", ""});
  return c;
}

ExternalIdentifier& external_id(RegistryObject& o, const std::string& scheme) {
  for (auto& e : o.external_identifiers) {
    if (e.identification_scheme == scheme) return e;
  }
  throw std::runtime_error("no external identifier " + scheme + " on " + o.id);
}

void remove_external_id(RegistryObject& o, const std::string& scheme) {
  std::erase_if(o.external_identifiers,
                [&](const ExternalIdentifier& e) { return e.identification_scheme == scheme; });
}

RegistryObject association(const std::string& id, const std::string& type,
                           const std::string& source, const std::string& target,
                           const std::string& status = "") {
  RegistryObject a;
  a.kind = reg::ObjectKind::Association;
  a.element_name = "Association";
  a.id = id;
  a.object_type = vocab::kAssociationType;
  a.association_type = type;
  a.source_object = source;
  a.target_object = target;
  if (!status.empty()) a.slots.push_back({"SubmissionSetStatus", "", {status}});
  return a;
}

// Adds a valid Folder01 with its node Classification and its HasMember from the set.
void add_folder(SubmitObjectsRequest& request) {
  RegistryObject folder;
  folder.kind = reg::ObjectKind::RegistryPackage;
  folder.element_name = "RegistryPackage";
  folder.id = "Folder01";
  folder.object_type = vocab::kRegistryPackageType;
  folder.name.push_back({"Consultations 2024", "fr-FR", "UTF-8"});
  folder.classifications.push_back(
      code("clf1", vocab::kFolderCodeList, "Folder01", "F1", "1.2.3.4"));
  folder.external_identifiers.push_back(
      {"eif1", vocab::kFolderUniqueId, "Folder01", "1.2.250.1.999.1.3.1", "", {}, {}, {}, {}});
  folder.external_identifiers.push_back(
      {"eif2", vocab::kFolderPatientId, "Folder01", kPatient, "", {}, {}, {}, {}});
  request.objects.push_back(folder);

  RegistryObject node;
  node.kind = reg::ObjectKind::Classification;
  node.element_name = "Classification";
  node.id = "clf0";
  node.classification = Classification{};
  node.classification->id = "clf0";
  node.classification->classified_object = "Folder01";
  node.classification->classification_node = vocab::kFolderNode;
  request.objects.push_back(node);
  request.objects.push_back(
      association("asf1", vocab::kHasMember, "SubmissionSet01", "Folder01", "Original"));
}

SubmitObjectsRequest base() { return base_request(); }

}  // namespace

// ------------------------------------------------------------------ base

BOOST_AUTO_TEST_CASE(base_fixture_is_valid) {
  const auto& request = base_request();
  BOOST_TEST_REQUIRE(reg::read_submission(request).documents.size() == 2u);
  expect_valid(validate(request));
  expect_valid(validate(request, reg::Profile{}));  // no lists, no extra requirement
}

BOOST_AUTO_TEST_CASE(valid_folder_passes) {
  auto request = base();
  add_folder(request);
  expect_valid(validate(request));
}

// ------------------------------------------------------- DocumentEntry

BOOST_AUTO_TEST_CASE(document_required_attributes) {
  struct Case {
    std::string attribute;
    void (*remove)(RegistryObject&);
  };
  const std::vector<Case> cases = {
      {"patientId", [](RegistryObject& o) { remove_external_id(o, vocab::kDocPatientId); }},
      {"uniqueId", [](RegistryObject& o) { remove_external_id(o, vocab::kDocUniqueId); }},
      {"classCode", [](RegistryObject& o) { remove_classifications(o, vocab::kDocClassCode); }},
      {"typeCode", [](RegistryObject& o) { remove_classifications(o, vocab::kDocTypeCode); }},
      {"formatCode", [](RegistryObject& o) { remove_classifications(o, vocab::kDocFormatCode); }},
      {"confidentialityCode",
       [](RegistryObject& o) { remove_classifications(o, vocab::kDocConfidentialityCode); }},
      {"healthcareFacilityTypeCode",
       [](RegistryObject& o) { remove_classifications(o, vocab::kDocHealthcareFacilityTypeCode); }},
      {"practiceSettingCode",
       [](RegistryObject& o) { remove_classifications(o, vocab::kDocPracticeSettingCode); }},
      {"creationTime", [](RegistryObject& o) { remove_slot(o.slots, "creationTime"); }},
      {"languageCode", [](RegistryObject& o) { remove_slot(o.slots, "languageCode"); }},
      {"hash", [](RegistryObject& o) { remove_slot(o.slots, "hash"); }},
      {"size", [](RegistryObject& o) { remove_slot(o.slots, "size"); }},
      {"repositoryUniqueId", [](RegistryObject& o) { remove_slot(o.slots, "repositoryUniqueId"); }},
      {"mimeType", [](RegistryObject& o) { o.mime_type.clear(); }},
      {"objectType", [](RegistryObject& o) { o.object_type.clear(); }},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.attribute) {
      auto request = base();
      c.remove(object(request, "Document02"));
      const auto errors = validate(request);
      // typeCode gone: no classCode correspondence to check, one error only.
      expect_only(errors, xds::kRegistryMetadataError, "Document02",
                  c.attribute + ": required attribute is missing");
    }
  }
}

BOOST_AUTO_TEST_CASE(document_optional_attributes_may_be_absent) {
  auto request = base();
  for (const char* name :
       {"legalAuthenticator", "serviceStartTime", "serviceStopTime", "sourcePatientInfo"}) {
    remove_slot(object(request, "Document01").slots, name);
  }
  object(request, "Document01").name.clear();
  remove_classifications(object(request, "Document01"), vocab::kDocAuthor);
  expect_valid(validate(request));
}

// R for a Document Source in ITI TF-3 Table 4.3.1-3 (NIST 11998a checks it).
BOOST_AUTO_TEST_CASE(document_source_patient_id_is_required) {
  auto request = base();
  remove_slot(object(request, "Document01").slots, "sourcePatientId");
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "sourcePatientId: required attribute is missing");
}

BOOST_AUTO_TEST_CASE(object_type) {
  auto request = base();
  object(request, "Document01").object_type = vocab::kFolderNode;
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "objectType: must be the stable or on-demand");
  object(request, "Document01").object_type = vocab::kOnDemandDocumentEntry;
  expect_valid(validate(request));
}

BOOST_AUTO_TEST_CASE(single_valued_slot_with_two_values) {
  auto request = base();
  set_slot(object(request, "Document01").slots, "creationTime", {"20240502", "20240503"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "creationTime: single-valued slot has 2 values, got '20240503'");
}

BOOST_AUTO_TEST_CASE(single_valued_slot_given_twice) {
  auto request = base();
  object(request, "Document01").slots.push_back({"languageCode", "", {"en"}});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "languageCode: single-valued slot given 2 times");
}

BOOST_AUTO_TEST_CASE(multi_valued_slot_accepts_several_values) {
  auto request = base();
  set_slot(object(request, "Document01").slots, "sourcePatientInfo",
           {"PID-3|1234^^^&1.2.3&ISO", "PID-3|5678^^^&1.2.4&ISO", "PID-5|DURAND^Marie",
            "PID-7|1975", "PID-8|F", "PID-11|1 rue X^^Paris"});
  expect_valid(validate(request));
}

BOOST_AUTO_TEST_CASE(source_patient_info_syntax) {
  auto request = base();
  set_slot(object(request, "Document01").slots, "sourcePatientInfo", {"PID-8|X"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "sourcePatientInfo: PID-8 must be one of");
  set_slot(object(request, "Document01").slots, "sourcePatientInfo", {"PID-7|19751312"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "sourcePatientInfo: PID-7 DTM month");
  set_slot(object(request, "Document01").slots, "sourcePatientInfo", {"PID-3|^^^&1.2.3&ISO"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "sourcePatientInfo: PID-3 needs an identifier");
  set_slot(object(request, "Document01").slots, "sourcePatientInfo", {"DURAND^Marie"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "sourcePatientInfo: must be PID-<field>|<value>, got 'DURAND^Marie'");
}

BOOST_AUTO_TEST_CASE(times_are_dtm) {
  auto request = base();
  set_slot(object(request, "Document01").slots, "creationTime", {"20241302"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "creationTime: DTM month out of range, got '20241302'");
  set_slot(object(request, "Document01").slots, "creationTime", {"20240502"});  // day precision
  set_slot(object(request, "Document01").slots, "serviceStopTime", {"2024-05-02"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "serviceStopTime: DTM must contain digits only");
  set_slot(object(request, "Document01").slots, "serviceStopTime", {"202405"});
  expect_valid(validate(request));
}

BOOST_AUTO_TEST_CASE(hash_size_language_mime_repository) {
  auto request = base();
  auto& doc = object(request, "Document02");
  set_slot(doc.slots, "hash", {"2731b03e92b8bb2a6f4089382b6c2b3a1e9c2e6"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document02", "hash: SHA-1");
  set_slot(doc.slots, "hash", {"2731B03E92B8BB2A6F4089382B6C2B3A1E9C2E67"});  // upper case
  expect_valid(validate(request));
  set_slot(doc.slots, "size", {"-172"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document02",
              "size: size must be a non-negative decimal integer, got '-172'");
  set_slot(doc.slots, "size", {"0"});
  set_slot(doc.slots, "languageCode", {"fr_FR"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document02", "languageCode:");
  set_slot(doc.slots, "languageCode", {"art"});
  doc.mime_type = "pdf";
  expect_only(validate(request), xds::kRegistryMetadataError, "Document02",
              "mimeType: mimeType must be type/subtype, got 'pdf'");
  doc.mime_type = "text/plain";
  set_slot(doc.slots, "repositoryUniqueId", {"1.2.03"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document02",
              "repositoryUniqueId: OID arc with a leading zero");
  set_slot(doc.slots, "repositoryUniqueId", {"1.2.3"});
  expect_valid(validate(request));
}

BOOST_AUTO_TEST_CASE(mime_type_code_list) {
  auto request = base();
  auto profile = test_profile();
  profile.code_lists.emplace("mimeType", codes({{"text/plain", "", ""}}));
  const auto errors = validate(request, profile);
  BOOST_TEST(errors.size() == 2u, describe(errors));
  expect_error(errors, xds::kRegistryMetadataError, "Document01",
               "mimeType: not in the profile's mimeType list, got 'application/pdf'");
  profile.code_lists.erase("mimeType");
  profile.code_lists.emplace("mimeType", codes({{"application/pdf", "", ""}}));
  expect_valid(validate(request, profile));
}

BOOST_AUTO_TEST_CASE(unique_id_syntax) {
  auto request = base();
  auto& id = external_id(object(request, "Document01"), vocab::kDocUniqueId);
  id.value = "1.2.250.1.999^" + std::string(17, 'x');
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "uniqueId: uniqueId extension longer than 16 characters");
  id.value = "1.2.250.1.999^" + std::string(16, 'x');
  expect_valid(validate(request));
}

BOOST_AUTO_TEST_CASE(external_identifier_given_twice) {
  auto request = base();
  auto& doc = object(request, "Document01");
  doc.external_identifiers.push_back(external_id(doc, vocab::kDocUniqueId));
  doc.external_identifiers.back().id = "ei0103";
  doc.external_identifiers.back().value = "1.2.250.1.999.7";
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "uniqueId: ExternalIdentifier given 2 times, got '1.2.250.1.999.7'");
}

BOOST_AUTO_TEST_CASE(malformed_patient_id) {
  auto request = base();
  external_id(object(request, "Document01"), vocab::kDocPatientId).value =
      "1234567890123^^^1.2.250.1.213.1.4.10";
  // A metadata error, not also a patient mismatch.
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "patientId: CX assigning authority must be &OID&ISO");
}

BOOST_AUTO_TEST_CASE(source_patient_id_and_legal_authenticator_syntax) {
  auto request = base();
  auto& doc = object(request, "Document01");
  set_slot(doc.slots, "sourcePatientId", {"1234"});
  set_slot(doc.slots, "legalAuthenticator", {"8012^DUPONT^Jean^^^^^^1.2.250&ISO"});
  const auto errors = validate(request);
  BOOST_TEST(errors.size() == 2u, describe(errors));
  expect_error(errors, xds::kRegistryMetadataError, "Document01",
               "sourcePatientId: CX must be id^^^&OID&ISO, got '1234'");
  expect_error(errors, xds::kRegistryMetadataError, "Document01",
               "legalAuthenticator: XCN assigning authority must be &OID&ISO");
  BOOST_TEST(errors[0].message.find("legalAuthenticator") == 0u);  // table order
}

BOOST_AUTO_TEST_CASE(reference_id_list) {
  auto request = base();
  auto& doc = object(request, "Document01");
  set_slot(doc.slots, "urn:ihe:iti:xds:2013:referenceIdList",
           {"2013001^^^&1.2.3.4.5.6&ISO^urn:ihe:iti:xds:2013:accession"});
  expect_valid(validate(request));
  set_slot(doc.slots, "urn:ihe:iti:xds:2013:referenceIdList", {"2013001^^^&1.2.3.4.5.6&ISO"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "referenceIdList: CXi identifier type code");
}

// -------------------------------------------------------------- codes

BOOST_AUTO_TEST_CASE(single_valued_code_given_twice) {
  auto request = base();
  auto& doc = object(request, "Document01");
  doc.classifications.push_back(code("cl0199", vocab::kDocFormatCode, "Document01",
                                     "urn:ihe:iti:xds-sd:text:2008", "1.3.6.1.4.1.19376.1.2.3"));
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "formatCode: single-valued code given 2 times, got 'urn:ihe:iti:xds-sd:text:2008'");
}

BOOST_AUTO_TEST_CASE(multi_valued_codes) {
  auto request = base();
  auto& doc = object(request, "Document01");
  doc.classifications.push_back(
      code("cl0198", vocab::kDocConfidentialityCode, "Document01", "R", "2.16.840.1.113883.5.25"));
  // No eventCodeList list in the profile: any code.
  doc.classifications.push_back(
      code("cl0197", vocab::kDocEventCode, "Document01", "ZZZ", "1.2.250.1.213.2.5"));
  expect_valid(validate(request));
}

BOOST_AUTO_TEST_CASE(code_classification_structure) {
  auto request = base();
  auto& format = classification(object(request, "Document01"), vocab::kDocFormatCode);
  format.slots.clear();
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "formatCode: code classification without a codingScheme slot");
  format.slots.push_back({"codingScheme", "", {"1.3.6.1.4.1.19376.1.2.3", "1.2.3"}});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "formatCode: codingScheme must have exactly one value");
  format.slots = {{"codingScheme", "", {"1.3.6.1.4.1.19376.1.2.3"}}};
  format.node_representation.clear();
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "formatCode: code classification without nodeRepresentation, got 'cl0104'");
  format.node_representation = "urn:ihe:iti:xds-sd:pdf:2008";
  format.classified_object = "Document02";
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "Classification cl0104: classifiedObject is not its object, got 'Document02'");
}

BOOST_AUTO_TEST_CASE(unknown_code) {
  auto request = base();
  auto& doc = object(request, "Document02");
  classification(doc, vocab::kDocConfidentialityCode).node_representation = "X";
  expect_only(validate(request), xds::kRegistryMetadataError, "Document02",
              "confidentialityCode: code not in the profile's confidentialityCode list for "
              "codingScheme '2.16.840.1.113883.5.25', got 'X'");
  classification(doc, vocab::kDocConfidentialityCode).node_representation = "V";
  expect_valid(validate(request));
  // The right code under another coding scheme is unknown too.
  set_slot(classification(doc, vocab::kDocConfidentialityCode).slots, "codingScheme", {"1.2.3"});
  expect_only(validate(request), xds::kRegistryMetadataError, "Document02",
              "codingScheme '1.2.3', got 'V'");
}

BOOST_AUTO_TEST_CASE(class_code_follows_type_code) {
  auto request = base();
  auto& doc = object(request, "Document01");
  classification(doc, vocab::kDocTypeCode).node_representation = "34133-9";
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "classCode: typeCode '34133-9' requires classCode '11', got '10'");
  classification(doc, vocab::kDocClassCode).node_representation = "11";
  expect_valid(validate(request));
}

BOOST_AUTO_TEST_CASE(max_confidentiality_codes) {
  auto request = base();
  auto& doc = object(request, "Document01");
  doc.classifications.push_back(
      code("cl0198", vocab::kDocConfidentialityCode, "Document01", "R", "2.16.840.1.113883.5.25"));
  expect_valid(validate(request));  // 2 of at most 2
  doc.classifications.push_back(
      code("cl0199", vocab::kDocConfidentialityCode, "Document01", "V", "2.16.840.1.113883.5.25"));
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "confidentialityCode: at most 2 codes allowed by profile 'test', got '3 codes'");
}

// ----------------------------------------------------- profile requirements

BOOST_AUTO_TEST_CASE(profile_required_document_attributes) {
  auto profile = test_profile();
  profile.required_document_attributes = {"legalAuthenticator", "title",  "serviceStartTime",
                                          "sourcePatientId",    "author", "authorPerson"};
  expect_valid(validate(base(), profile));

  auto request = base();
  auto& doc = object(request, "Document02");
  remove_slot(doc.slots, "legalAuthenticator");
  remove_slot(doc.slots, "serviceStartTime");
  remove_slot(doc.slots, "sourcePatientId");
  doc.name.clear();
  remove_classifications(doc, vocab::kDocAuthor);
  const auto errors = validate(request, profile);
  BOOST_TEST(errors.size() == 6u, describe(errors));
  for (const char* attribute : {"legalAuthenticator", "serviceStartTime", "sourcePatientId",
                                "title", "author", "authorPerson"}) {
    expect_error(errors, xds::kRegistryMetadataError, "Document02",
                 std::string(attribute) + ": required attribute is missing");
  }
}

BOOST_AUTO_TEST_CASE(author_rules) {
  auto request = base();
  auto& author = classification(object(request, "Document01"), vocab::kDocAuthor);
  author.slots = {{"authorRole", "", {"Médecin"}}};
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "author: needs an authorPerson, authorInstitution or authorTelecommunication, got "
              "'cl0101'");
  author.slots = {{"authorInstitution", "", {"Hopital Test^^^^^^^^^11234567890"}}};
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "authorInstitution: XON identifier (component 10) must be an OID");
  author.slots = {{"authorPerson", "", {"^DUPONT^Jean", "^MARTIN^Paul"}}};
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "authorPerson: single-valued in an author");
  author.slots = {{"authorTelecommunication", "", {"^^Internet^nobody"}}};
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "authorTelecommunication: XTN e-mail address is malformed");
  author.slots = {{"authorTelecommunication", "", {"^^Internet^a@b.fr"}}};
  expect_valid(validate(request));
}

// ------------------------------------------------------- SubmissionSet

BOOST_AUTO_TEST_CASE(exactly_one_submission_set) {
  auto request = base();
  auto second = object(request, "SubmissionSet01");
  second.id = "SubmissionSet02";
  for (auto& e : second.external_identifiers) e.registry_object = "SubmissionSet02";
  for (auto& c : second.classifications) c.classified_object = "SubmissionSet02";
  external_id(second, vocab::kSetUniqueId).value = "1.2.250.1.999.1.2.2";
  request.objects.push_back(second);
  auto errors = validate(request);
  BOOST_TEST_REQUIRE(!errors.empty());
  BOOST_TEST(errors[0].code == xds::kRegistryMetadataError);
  BOOST_TEST(errors[0].location == "SubmitObjectsRequest");
  BOOST_TEST(errors[0].message == "SubmissionSet: exactly one SubmissionSet per request, got '2'");

  request = base();
  std::erase_if(request.objects, [](const RegistryObject& o) {
    return o.id == "SubmissionSet01" || o.id == "cl0803" || o.kind == reg::ObjectKind::Association;
  });
  expect_only(validate(request), xds::kRegistryMetadataError, "SubmitObjectsRequest",
              "exactly one SubmissionSet per request, got '0'");
}

BOOST_AUTO_TEST_CASE(submission_set_attributes) {
  auto request = base();
  auto& set = object(request, "SubmissionSet01");
  external_id(set, vocab::kSetUniqueId).value = "1.2.250.1.999^ext";
  expect_only(validate(request), xds::kRegistryMetadataError, "SubmissionSet01",
              "uniqueId: OID arcs must be decimal digits, got '1.2.250.1.999^ext'");
  external_id(set, vocab::kSetUniqueId).value = "1.2.250.1.999.8";
  remove_external_id(set, vocab::kSetSourceId);
  expect_only(validate(request), xds::kRegistryMetadataError, "SubmissionSet01",
              "sourceId: required attribute is missing");
  set.external_identifiers.push_back(
      {"ei0809", vocab::kSetSourceId, "SubmissionSet01", "1.2.250.1.999.1", "", {}, {}, {}, {}});
  set_slot(set.slots, "submissionTime", {"20240230120000"});
  expect_only(validate(request), xds::kRegistryMetadataError, "SubmissionSet01",
              "submissionTime: DTM day out of range, got '20240230120000'");
  set_slot(set.slots, "submissionTime", {"20240229120000"});
  remove_classifications(set, vocab::kSetContentTypeCode);
  expect_only(validate(request), xds::kRegistryMetadataError, "SubmissionSet01",
              "contentTypeCode: required attribute is missing");
  set.classifications.push_back(
      code("cl0807", vocab::kSetContentTypeCode, "SubmissionSet01", "99", "1.2.250.1.213.2.2"));
  expect_only(validate(request), xds::kRegistryMetadataError, "SubmissionSet01",
              "contentTypeCode: code not in the profile's contentTypeCode list");
  classification(set, vocab::kSetContentTypeCode).node_representation = "07";
  set_slot(set.slots, "intendedRecipient", {"Hopital^^^^^^^^^1.2.3|^MARTIN^Paul|"});
  expect_valid(validate(request));
  set_slot(set.slots, "intendedRecipient", {"|||"});
  expect_only(validate(request), xds::kRegistryMetadataError, "SubmissionSet01",
              "intendedRecipient: must be organization|person|telecommunication");
}

BOOST_AUTO_TEST_CASE(submission_set_patient_id_syntax) {
  auto request = base();
  for (const char* id : {"Document01", "Document02", "SubmissionSet01"}) {
    auto& o = object(request, id);
    for (auto& e : o.external_identifiers) {
      if (e.value == kPatient) e.value = "1234567890123";
    }
  }
  const auto errors = validate(request);
  BOOST_TEST(errors.size() == 3u, describe(errors));
  expect_error(errors, xds::kRegistryMetadataError, "SubmissionSet01",
               "patientId: CX must be id^^^&OID&ISO, got '1234567890123'");
}

BOOST_AUTO_TEST_CASE(submission_set_author_and_profile_requirements) {
  auto profile = test_profile();
  profile.required_submission_set_attributes = {"authorPerson", "comments"};
  auto request = base();
  auto& set = object(request, "SubmissionSet01");
  set.description.push_back({"Deux CR", "fr-FR", ""});
  expect_valid(validate(request, profile));
  remove_slot(classification(set, vocab::kSetAuthor).slots, "authorPerson");
  set.description.clear();
  const auto errors = validate(request, profile);
  BOOST_TEST(errors.size() == 2u, describe(errors));
  expect_error(errors, xds::kRegistryMetadataError, "SubmissionSet01",
               "authorPerson: required attribute is missing");
  expect_error(errors, xds::kRegistryMetadataError, "SubmissionSet01",
               "comments: required attribute is missing");
  expect_valid(validate(request));  // not required by ITI
}

BOOST_AUTO_TEST_CASE(submission_set_node_classification) {
  auto request = base();
  std::erase_if(request.objects, [](const RegistryObject& o) { return o.id == "cl0803"; });
  // Still read as the set (by its uniqueId), but not classified as one.
  expect_only(validate(request), xds::kRegistryMetadataError, "SubmissionSet01",
              "SubmissionSet: RegistryPackage not classified as a SubmissionSet");
  Classification nested;
  nested.id = "cl0804";
  nested.classified_object = "SubmissionSet01";
  nested.classification_node = vocab::kSubmissionSetNode;
  object(request, "SubmissionSet01").classifications.push_back(nested);
  expect_valid(validate(request));
}

// --------------------------------------------------------------- Folder

BOOST_AUTO_TEST_CASE(folder_last_update_time_sent_by_the_client_is_accepted) {
  // The registry replaces it at registration (lifecycle_test checks the value).
  auto request = base();
  add_folder(request);
  set_slot(object(request, "Folder01").slots, "lastUpdateTime", {"20240503120000"});
  expect_valid(validate(request));
}

BOOST_AUTO_TEST_CASE(folder_required_attributes) {
  struct Case {
    std::string attribute;
    void (*remove)(RegistryObject&);
  };
  const std::vector<Case> cases = {
      {"uniqueId", [](RegistryObject& o) { remove_external_id(o, vocab::kFolderUniqueId); }},
      {"patientId", [](RegistryObject& o) { remove_external_id(o, vocab::kFolderPatientId); }},
      {"title", [](RegistryObject& o) { o.name.clear(); }},
      {"codeList", [](RegistryObject& o) { remove_classifications(o, vocab::kFolderCodeList); }},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.attribute) {
      auto request = base();
      add_folder(request);
      c.remove(object(request, "Folder01"));
      expect_only(validate(request), xds::kRegistryMetadataError, "Folder01",
                  c.attribute + ": required attribute is missing");
    }
  }
}

BOOST_AUTO_TEST_CASE(folder_codes) {
  auto request = base();
  add_folder(request);
  auto& folder = object(request, "Folder01");
  folder.classifications.push_back(
      code("clf2", vocab::kFolderCodeList, "Folder01", "F9", "1.2.3.4"));
  expect_only(validate(request), xds::kRegistryMetadataError, "Folder01",
              "codeList: code not in the profile's folderCodeList list");
  folder.classifications.back().node_representation = "F1";
  expect_valid(validate(request));
}

// --------------------------------------------------------- Associations

BOOST_AUTO_TEST_CASE(unknown_association_type) {
  auto request = base();
  request.objects.push_back(association("as09", "urn:example:Likes", "Document01", "Document02"));
  expect_only(validate(request), xds::kRegistryMetadataError, "as09",
              "associationType: unknown association type, got 'urn:example:Likes'");
  object(request, "as09").association_type = vocab::kAppend;
  expect_valid(validate(request));
}

BOOST_AUTO_TEST_CASE(submission_set_status_is_optional_towards_a_folder) {
  // ITI TF-3 §4.2.2.1: required towards DocumentEntries only (NIST test data
  // leaves it out on the set's HasMember to a Folder).
  auto request = base();
  add_folder(request);
  remove_slot(object(request, "asf1").slots, "SubmissionSetStatus");
  expect_valid(validate(request));
  set_slot(object(request, "asf1").slots, "SubmissionSetStatus", {"Reference"});
  expect_only(validate(request), xds::kRegistryMetadataError, "asf1",
              "SubmissionSetStatus: must be Original for an object of this submission, got "
              "'Reference'");
}

BOOST_AUTO_TEST_CASE(submission_set_status) {
  auto request = base();
  remove_slot(object(request, "as02").slots, "SubmissionSetStatus");
  expect_only(validate(request), xds::kRegistryMetadataError, "as02",
              "SubmissionSetStatus: required attribute is missing");
  set_slot(object(request, "as02").slots, "SubmissionSetStatus", {"Reference"});
  expect_only(validate(request), xds::kRegistryMetadataError, "as02",
              "SubmissionSetStatus: must be Original for an object of this submission, got "
              "'Reference'");
  set_slot(object(request, "as02").slots, "SubmissionSetStatus", {"Original", "Original"});
  expect_only(validate(request), xds::kRegistryMetadataError, "as02",
              "SubmissionSetStatus: single-valued");
  // An existing document referenced by the set.
  set_slot(object(request, "as02").slots, "SubmissionSetStatus", {"Original"});
  request.objects.push_back(association("as03", vocab::kHasMember, "SubmissionSet01",
                                        "urn:uuid:0b7a5c54-43a6-4b2a-9e8a-2d2a6f0c1d11",
                                        "Reference"));
  expect_valid(validate(request));
}

BOOST_AUTO_TEST_CASE(every_document_and_folder_is_a_set_member) {
  auto request = base();
  std::erase_if(request.objects, [](const RegistryObject& o) { return o.id == "as01"; });
  expect_only(validate(request), xds::kRegistryMetadataError, "Document01",
              "DocumentEntry: not the target of a HasMember association from the SubmissionSet");

  request = base();
  add_folder(request);
  std::erase_if(request.objects, [](const RegistryObject& o) { return o.id == "asf1"; });
  // A folder's own HasMember to a document does not make it a member of the set.
  request.objects.push_back(association("asf2", vocab::kHasMember, "Folder01", "Document01"));
  expect_only(validate(request), xds::kRegistryMetadataError, "Folder01",
              "Folder: not the target of a HasMember association from the SubmissionSet");
}

BOOST_AUTO_TEST_CASE(relationship_associations) {
  const std::string existing = "urn:uuid:0b7a5c54-43a6-4b2a-9e8a-2d2a6f0c1d11";
  auto request = base();
  request.objects.push_back(association("as05", vocab::kReplace, "Document01", existing));
  request.objects.push_back(association("as06", vocab::kSigns, "Document02", "Document01"));
  expect_valid(validate(request));

  request = base();
  request.objects.push_back(association("as05", vocab::kReplace, existing, "Document01"));
  expect_only(
      validate(request), xds::kRegistryMetadataError, "as05",
      "sourceObject: must be a DocumentEntry of this submission for RPLC, got '" + existing + "'");

  request = base();
  request.objects.push_back(association("as05", vocab::kTransform, "Document01", "Document01"));
  expect_only(validate(request), xds::kRegistryMetadataError, "as05",
              "targetObject: must differ from sourceObject, got 'Document01'");
}

// ------------------------------------------------------------------ Lot

BOOST_AUTO_TEST_CASE(patient_id_must_match) {
  auto request = base();
  const std::string other = "9999999999999^^^&1.2.250.1.213.1.4.10&ISO^NH";
  external_id(object(request, "Document02"), vocab::kDocPatientId).value = other;
  expect_only(validate(request), xds::kPatientIdDoesNotMatch, "Document02",
              "patientId: DocumentEntry patientId differs from the lot's '" +
                  std::string(kPatient) + "', got '" + other + "'");

  request = base();
  add_folder(request);
  external_id(object(request, "Folder01"), vocab::kFolderPatientId).value = other;
  expect_only(validate(request), xds::kPatientIdDoesNotMatch, "Folder01",
              "Folder patientId differs");
}

BOOST_AUTO_TEST_CASE(patient_id_authority) {
  auto request = base();
  const std::string foreign = "1234567890123^^^&1.2.3.4&ISO";
  for (auto& o : request.objects) {
    for (auto& e : o.external_identifiers) {
      if (e.value == kPatient) e.value = foreign;
    }
  }
  const auto errors = validate(request);
  BOOST_TEST(errors.size() == 3u, describe(errors));
  expect_error(errors, xds::kRegistryMetadataError, "Document01",
               "patientId: assigning authority '1.2.3.4' is not accepted by profile 'test'");
  auto any_authority = test_profile();
  any_authority.patient_id_authorities.clear();
  expect_valid(validate(request, any_authority));
}

BOOST_AUTO_TEST_CASE(duplicate_unique_id_in_message) {
  auto request = base();
  external_id(object(request, "Document02"), vocab::kDocUniqueId).value =
      "1.2.250.1.999.1.1.20240502.1";
  expect_only(validate(request), xds::kRegistryDuplicateUniqueIdInMessage, "Document02",
              "uniqueId: DocumentEntry reuses the uniqueId of 'Document01' in this message");

  request = base();
  external_id(object(request, "Document01"), vocab::kDocUniqueId).value =
      "1.2.250.1.999.1.2.20240503.1";  // the set's, which comes after it
  expect_only(validate(request), xds::kRegistryDuplicateUniqueIdInMessage, "SubmissionSet01",
              "uniqueId: SubmissionSet reuses the uniqueId of 'Document01'");

  request = base();
  add_folder(request);
  external_id(object(request, "Folder01"), vocab::kFolderUniqueId).value =
      "1.2.250.1.999.1.1.20240503.1";
  expect_only(validate(request), xds::kRegistryDuplicateUniqueIdInMessage, "Folder01",
              "reuses the uniqueId of 'Document02'");
}

BOOST_AUTO_TEST_CASE(unknown_registry_package) {
  auto request = base();
  RegistryObject package;
  package.kind = reg::ObjectKind::RegistryPackage;
  package.element_name = "RegistryPackage";
  package.id = "Package01";
  request.objects.push_back(package);
  expect_only(validate(request), xds::kRegistryMetadataError, "Package01",
              "RegistryPackage: neither a SubmissionSet nor a Folder");
}

BOOST_AUTO_TEST_CASE(all_errors_in_document_order) {
  auto request = base();
  set_slot(object(request, "SubmissionSet01").slots, "submissionTime", {"2024"});  // valid
  remove_external_id(object(request, "SubmissionSet01"), vocab::kSetSourceId);
  set_slot(object(request, "Document02").slots, "hash", {"xyz"});
  set_slot(object(request, "Document01").slots, "size", {"big"});
  set_slot(object(request, "Document01").slots, "creationTime", {"20241301"});
  remove_slot(object(request, "as01").slots, "SubmissionSetStatus");
  const auto errors = validate(request);
  BOOST_TEST_REQUIRE(errors.size() == 5u, describe(errors));
  BOOST_TEST(errors[0].location == "Document01");
  BOOST_TEST(errors[0].message.find("creationTime:") == 0u);
  BOOST_TEST(errors[1].location == "Document01");
  BOOST_TEST(errors[1].message.find("size:") == 0u);
  BOOST_TEST(errors[2].location == "Document02");
  BOOST_TEST(errors[2].message.find("hash:") == 0u);
  BOOST_TEST(errors[3].location == "SubmissionSet01");
  BOOST_TEST(errors[3].message.find("sourceId:") == 0u);
  BOOST_TEST(errors[4].location == "as01");
  for (const auto& e : errors) BOOST_TEST(e.code == xds::kRegistryMetadataError);
}
