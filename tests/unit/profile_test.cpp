#define BOOST_TEST_MODULE profile
#include "passerelle/registry/profile.hpp"

#include <stdlib.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
namespace registry = passerelle::registry;
using passerelle::Failure;
using passerelle::testing::TempDir;

namespace {

struct XercesFixture {
  passerelle::xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XercesFixture);

const fs::path kShipped = fs::path(PASSERELLE_SOURCE_DIR) / "registry" / "profiles";

constexpr const char* kLoinc = "2.16.840.1.113883.6.1";
constexpr const char* kClasseDocument = "1.2.250.1.213.1.1.4.1";  // TRE_A03
constexpr const char* kHl7Confidentiality = "2.16.840.1.113883.5.25";
constexpr const char* kDmpVisibility = "1.2.250.1.213.1.1.4.13";  // TRE_A07
constexpr const char* kIheFormat = "1.3.6.1.4.1.19376.1.2.3";

void write(const fs::path& file, const std::string& content) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << content;
}

std::size_t list_size(const registry::Profile& profile, const char* attribute) {
  const registry::CodeList* list = profile.codes(attribute);
  BOOST_TEST_REQUIRE(list != nullptr, "no " << attribute << " list");
  return list->entries().size();
}

bool has(const registry::Profile& profile, const char* attribute, const char* code,
         const char* scheme) {
  const registry::CodeList* list = profile.codes(attribute);
  BOOST_TEST_REQUIRE(list != nullptr, "no " << attribute << " list");
  return list->contains(code, scheme);
}

// Loads `dir` and returns the Failure it must throw.
passerelle::Error load_error(const fs::path& dir) {
  try {
    registry::load_profile(dir);
  } catch (const Failure& failure) {
    return failure.error();
  }
  BOOST_FAIL("load_profile(" << dir << ") succeeded but should have failed");
  return {};
}

void check_error(const passerelle::Error& error, const fs::path& location,
                 const std::string& message) {
  BOOST_TEST(error.code == passerelle::codes::kInternalError);
  BOOST_TEST(error.location == location.string());
  BOOST_TEST(error.message == message);
}

// A profile directory with one JSON code list (classCode) and, optionally, a
// typeCode list and a type → class table; tests break one file at a time.
struct ProfileDir {
  TempDir temp{"passerelle-profile"};
  fs::path dir = temp.path();

  ProfileDir() {
    write_profile(R"({"name": "t", "code_lists": {"classCode": "codes/class.json"}})");
    write_list("codes/class.json", R"([{"code": "10", "scheme": "1.2.3", "display": "Ten"}])");
  }
  void write_profile(const std::string& json) const { write(dir / "profile.json", json); }
  void write_list(const std::string& name, const std::string& json) const {
    write(dir / name, json);
  }
  passerelle::Error error() const { return load_error(dir); }
};

constexpr const char* kWithTypeRule = R"({
  "name": "t",
  "code_lists": {"classCode": "codes/class.json", "typeCode": "codes/type.json"},
  "class_code_for_type_code": "codes/rule.json"
})";

constexpr const char* kNistProfile = R"({"name": "n", "code_lists": {"nist_codes_xml": "c.xml"}})";

}  // namespace

// ------------------------------------------------------------ shipped data

BOOST_AUTO_TEST_CASE(dmp_profile_loads) {
  const registry::Profile dmp = registry::load_named_profile("dmp", kShipped);
  BOOST_TEST(dmp.name == "dmp");
  BOOST_TEST(!dmp.description.empty());
  BOOST_TEST(dmp.require_patient_record);
  const std::vector<std::string> authorities = {"1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9",
                                                "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11"};
  BOOST_TEST(dmp.patient_id_authorities == authorities, boost::test_tools::per_element());
  BOOST_TEST(dmp.required_document_attributes.contains("legalAuthenticator"));
  BOOST_TEST(!dmp.required_document_attributes.contains("hash"));
  BOOST_TEST(dmp.required_submission_set_attributes.contains("authorPerson"));
  BOOST_TEST(dmp.max_confidentiality_codes == 4u);

  BOOST_TEST(list_size(dmp, "classCode") == 12u);
  BOOST_TEST(list_size(dmp, "typeCode") == 108u);
  BOOST_TEST(list_size(dmp, "formatCode") == 62u);
  BOOST_TEST(list_size(dmp, "confidentialityCode") == 6u);
  BOOST_TEST(list_size(dmp, "healthcareFacilityTypeCode") == 68u);
  BOOST_TEST(list_size(dmp, "practiceSettingCode") == 11u);
  BOOST_TEST(list_size(dmp, "contentTypeCode") == 100u);
  BOOST_TEST(dmp.code_lists.size() == 7u);
  BOOST_TEST(dmp.codes("eventCodeList") == nullptr);  // not restricted
}

BOOST_AUTO_TEST_CASE(dmp_codes_have_their_scheme) {
  const registry::Profile dmp = registry::load_named_profile("dmp", kShipped);
  BOOST_TEST(has(dmp, "classCode", "10", kClasseDocument));
  BOOST_TEST(!has(dmp, "classCode", "10", kLoinc));           // right code, wrong scheme
  BOOST_TEST(!has(dmp, "classCode", "99", kClasseDocument));  // unknown code
  BOOST_TEST(!has(dmp, "classCode", "10", ""));

  BOOST_TEST(has(dmp, "typeCode", "11488-4", kLoinc));
  BOOST_TEST(!has(dmp, "typeCode", "11488-4", kClasseDocument));
  BOOST_TEST(has(dmp, "confidentialityCode", "N", kHl7Confidentiality));
  BOOST_TEST(has(dmp, "confidentialityCode", "MASQUE_PS", kDmpVisibility));
  BOOST_TEST(has(dmp, "confidentialityCode", "INVISIBLE_PATIENT", kDmpVisibility));
  BOOST_TEST(!has(dmp, "confidentialityCode", "MASQUE_PS", kHl7Confidentiality));
  BOOST_TEST(!has(dmp, "confidentialityCode", "L", kHl7Confidentiality));  // not DMP
  BOOST_TEST(has(dmp, "formatCode", "urn:ihe:iti:xds-sd:pdf:2008", kIheFormat));
  BOOST_TEST(has(dmp, "practiceSettingCode", "ETABLISSEMENT", "1.2.250.1.213.1.1.4.9"));
  BOOST_TEST(has(dmp, "healthcareFacilityTypeCode", "SA01", "1.2.250.1.71.4.2.4"));
  BOOST_TEST(has(dmp, "contentTypeCode", "EXP_PATIENT", "1.2.250.1.213.1.1.4.6"));

  // The IHE DSG signature document of every DMP deposit.
  BOOST_TEST(has(dmp, "classCode", "urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1", "URN"));
  BOOST_TEST(has(dmp, "typeCode", "E1762", "ASTM"));
  BOOST_TEST(has(dmp, "formatCode", "http://www.w3.org/2000/09/xmldsig#", "URN"));

  const registry::CodeList* classes = dmp.codes("classCode");
  BOOST_TEST_REQUIRE(classes != nullptr);
  BOOST_TEST(classes->entries().front().code == "10");
  BOOST_TEST(classes->entries().front().display == "Compte rendu");
}

BOOST_AUTO_TEST_CASE(dmp_type_to_class_rule) {
  const registry::Profile dmp = registry::load_named_profile("dmp", kShipped);
  const auto& rule = dmp.class_code_for_type_code;
  BOOST_TEST(rule.size() == 108u);         // one per DMP typeCode
  BOOST_TEST(rule.at("11488-4") == "10");  // consultation note → compte rendu (ASS_X16)
  BOOST_TEST(rule.at("E1762") == "urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1");
  BOOST_TEST(rule.at("34120-6") == "10");  // only in ASS_X04
  BOOST_TEST(!rule.contains("11526-1"));   // ASS_X16 row whose typeCode J66 dropped
  for (const auto& [type_code, class_code] : rule) {
    bool known_class = false;
    for (const auto& entry : dmp.codes("classCode")->entries()) {
      known_class = known_class || entry.code == class_code;
    }
    BOOST_TEST(known_class, type_code << " → " << class_code);
  }
}

BOOST_AUTO_TEST_CASE(ihe_test_profile_loads) {
  const registry::Profile ihe = registry::load_named_profile("ihe-test", kShipped);
  BOOST_TEST(ihe.name == "ihe-test");
  BOOST_TEST(!ihe.require_patient_record);
  BOOST_TEST(ihe.patient_id_authorities.empty());
  BOOST_TEST(ihe.required_document_attributes.empty());
  BOOST_TEST(ihe.required_submission_set_attributes.empty());
  BOOST_TEST(ihe.max_confidentiality_codes == 0u);
  BOOST_TEST(ihe.class_code_for_type_code.empty());

  BOOST_TEST(list_size(ihe, "classCode") == 14u);
  BOOST_TEST(list_size(ihe, "typeCode") == 43u);
  BOOST_TEST(list_size(ihe, "formatCode") == 77u);
  BOOST_TEST(list_size(ihe, "confidentialityCode") == 6u);
  BOOST_TEST(list_size(ihe, "healthcareFacilityTypeCode") == 11u);
  BOOST_TEST(list_size(ihe, "practiceSettingCode") == 17u);
  BOOST_TEST(list_size(ihe, "contentTypeCode") == 10u);
  BOOST_TEST(list_size(ihe, "eventCodeList") == 414u);
  BOOST_TEST(list_size(ihe, "folderCodeList") == 2u);
  BOOST_TEST(list_size(ihe, "associationDocumentation") == 2u);
  BOOST_TEST(list_size(ihe, "mimeType") == 14u);
  BOOST_TEST(ihe.code_lists.size() == 11u);

  BOOST_TEST(has(ihe, "classCode", "REPORTS", "1.3.6.1.4.1.19376.1.2.6.1"));
  BOOST_TEST(!has(ihe, "classCode", "REPORTS", kLoinc));
  BOOST_TEST(!has(ihe, "classCode", "10", kClasseDocument));
  BOOST_TEST(has(ihe, "confidentialityCode", "N", kHl7Confidentiality));
  BOOST_TEST(!has(ihe, "confidentialityCode", "MASQUE_PS", kDmpVisibility));
  BOOST_TEST(has(ihe, "formatCode", "urn:ihe:iti:xds-sd:pdf:2008", kIheFormat));
  BOOST_TEST(has(ihe, "mimeType", "text/xml", ""));  // mimeType codes have no scheme
  BOOST_TEST(!has(ihe, "mimeType", "text/html", ""));
  BOOST_TEST(ihe.codes("classCode")->entries().front().display ==
             "Privacy Policy Acknowledgement Document");
}

BOOST_AUTO_TEST_CASE(default_root_is_the_source_tree_unless_the_environment_says) {
  ::unsetenv("PASSERELLE_PROFILE_DIR");
  BOOST_TEST(registry::default_profile_root().lexically_normal() == kShipped.lexically_normal());
  ::setenv("PASSERELLE_PROFILE_DIR", "/somewhere/else", 1);
  BOOST_TEST(registry::default_profile_root() == fs::path("/somewhere/else"));
  ::setenv("PASSERELLE_PROFILE_DIR", "", 1);
  BOOST_TEST(registry::default_profile_root().lexically_normal() == kShipped.lexically_normal());
  ::unsetenv("PASSERELLE_PROFILE_DIR");
  BOOST_TEST(registry::load_named_profile("dmp").name == "dmp");
}

BOOST_AUTO_TEST_CASE(code_list_lookup) {
  const registry::CodeList list({{"A", "1.2", "a"}, {"B", "1.2", "b"}, {"A", "3.4", "a'"}});
  BOOST_TEST(list.contains("A", "1.2"));
  BOOST_TEST(list.contains("A", "3.4"));
  BOOST_TEST(list.contains("B", "1.2"));
  BOOST_TEST(!list.contains("B", "3.4"));
  BOOST_TEST(!list.contains("a", "1.2"));  // codes are case-sensitive
  BOOST_TEST(!list.contains("A", "1.2 "));
  BOOST_TEST(!list.contains("", ""));
  BOOST_TEST(list.entries().size() == 3u);
  BOOST_TEST(!registry::CodeList().contains("A", "1.2"));
}

// ------------------------------------------------- a valid handmade profile

BOOST_AUTO_TEST_CASE(handmade_profile_loads) {
  ProfileDir p;
  p.write_profile(R"({
    "name": "t", "description": "d",
    "patient_id": {"require_record": false, "authorities": ["1.2.3", "2.999"]},
    "document_entry": {"required": ["legalAuthenticator", "title"], "max_confidentiality_codes": 2},
    "submission_set": {"required": ["authorPerson"]},
    "code_lists": {"classCode": "codes/class.json", "typeCode": "codes/type.json"},
    "class_code_for_type_code": "codes/rule.json"})");
  p.write_list("codes/type.json", R"([{"code": "T1", "scheme": "9.9"}])");
  p.write_list("codes/rule.json", R"([{"typeCode": "T1", "classCode": "10"}])");
  const registry::Profile profile = registry::load_profile(p.dir);
  BOOST_TEST(profile.name == "t");
  BOOST_TEST(profile.description == "d");
  BOOST_TEST(!profile.require_patient_record);
  BOOST_TEST(profile.patient_id_authorities.size() == 2u);
  BOOST_TEST(profile.required_document_attributes.size() == 2u);
  BOOST_TEST(profile.max_confidentiality_codes == 2u);
  BOOST_TEST(profile.codes("typeCode")->entries().front().display == "");
  BOOST_TEST(profile.class_code_for_type_code.at("T1") == "10");

  // Everything but the name is optional.
  p.write_profile(R"({"name": "minimal"})");
  const registry::Profile minimal = registry::load_profile(p.dir);
  BOOST_TEST(minimal.require_patient_record);
  BOOST_TEST(minimal.code_lists.empty());
}

// ------------------------------------------------- malformed profile.json

BOOST_AUTO_TEST_CASE(profile_json_missing_or_malformed) {
  ProfileDir p;
  const fs::path file = p.dir / "profile.json";
  fs::remove(file);
  check_error(p.error(), file, "file does not exist");

  fs::create_directory(file);
  check_error(p.error(), file, "not a regular file");
  fs::remove(file);

  p.write_profile(R"({"name": "t",)");
  const passerelle::Error syntax = p.error();
  BOOST_TEST(syntax.location == file.string());
  BOOST_TEST(syntax.message.starts_with("not valid JSON: "));

  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"(["name"])", "top level must be a JSON object"},
      {R"({})", "'name' must be a non-empty string"},
      {R"({"name": ""})", "'name' must be a non-empty string"},
      {R"({"name": 3})", "'name' must be a non-empty string"},
      {R"({"name": "t", "nmae": 1})", "unknown key 'nmae'"},
      {R"({"name": "t", "description": 1})", "'description' must be a string"},
      {R"({"name": "t", "patient_id": []})", "'patient_id' must be an object"},
      {R"({"name": "t", "patient_id": {"require_record": "yes"}})",
       "'patient_id.require_record' must be true or false"},
      {R"({"name": "t", "patient_id": {"authority": []}})",
       "'patient_id' has unknown key 'authority'"},
      {R"({"name": "t", "patient_id": {"authorities": "1.2.3"}})",
       "'patient_id.authorities' must be an array of OIDs"},
      {R"({"name": "t", "patient_id": {"authorities": ["1.2.3", "1.02.3"]}})",
       "'patient_id.authorities' entry 1 is not an OID"},
      {R"({"name": "t", "patient_id": {"authorities": ["3.1"]}})",
       "'patient_id.authorities' entry 0 is not an OID"},
      {R"({"name": "t", "patient_id": {"authorities": ["1.2.250&ISO"]}})",
       "'patient_id.authorities' entry 0 is not an OID"},
      {R"({"name": "t", "document_entry": {"required": ["legalAuthentificator"]}})",
       "'document_entry.required' entry 0 is not a known attribute name: "
       "'legalAuthentificator'"},
      {R"({"name": "t", "document_entry": {"required": "title"}})",
       "'document_entry.required' must be an array of attribute names"},
      {R"({"name": "t", "document_entry": {"max_confidentiality_codes": -1}})",
       "'document_entry.max_confidentiality_codes' must be a non-negative integer"},
      {R"({"name": "t", "document_entry": {"max_confidentiality_codes": 1.5}})",
       "'document_entry.max_confidentiality_codes' must be a non-negative integer"},
      {R"({"name": "t", "submission_set": {"required": ["legalAuthenticator"]}})",
       "'submission_set.required' entry 0 is not a known attribute name: "
       "'legalAuthenticator'"},
      {R"({"name": "t", "code_lists": ["codes/class.json"]})", "'code_lists' must be an object"},
      {R"({"name": "t", "code_lists": {"classcode": "codes/class.json"}})",
       "'code_lists' names 'classcode', which is not a coded XDS attribute"},
      {R"({"name": "t", "code_lists": {"classCode": 1}})",
       "'code_lists.classCode' must be a file name"},
      {R"({"name": "t", "code_lists": {"classCode": "../class.json"}})",
       "'code_lists.classCode' must be a relative path inside the profile directory, not "
       "'../class.json'"},
      {R"({"name": "t", "code_lists": {"classCode": "/etc/passwd"}})",
       "'code_lists.classCode' must be a relative path inside the profile directory, not "
       "'/etc/passwd'"},
      {R"({"name": "t", "class_code_for_type_code": ""})",
       "'class_code_for_type_code' must be a file name"},
  };
  for (const auto& [json, message] : cases) {
    BOOST_TEST_CONTEXT(json) {
      p.write_profile(json);
      check_error(p.error(), file, message);
    }
  }
}

// ------------------------------------------------- malformed code lists

BOOST_AUTO_TEST_CASE(json_code_list_missing_or_malformed) {
  ProfileDir p;
  const fs::path list = p.dir / "codes" / "class.json";
  fs::remove(list);
  check_error(p.error(), list, "file does not exist");

  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"code": "10"})", "classCode list must be a JSON array"},
      {R"([])", "classCode list is empty"},
      {R"(["10"])", "classCode entry 0 is not an object"},
      {R"([{"code": "10", "scheme": "1.2"}, {"code": "11", "scheme": "1.2"},
          {"code": "12", "scheme": "1.2"}, {"scheme": "1.2", "display": "x"}])",
       "classCode entry 3 has no code"},
      {R"([{"code": "", "scheme": "1.2"}])", "classCode entry 0 has no code"},
      {R"([{"code": 10, "scheme": "1.2"}])", "classCode entry 0 has a code that is not a string"},
      {R"([{"code": "10"}])", "classCode entry 0 has no scheme"},
      {R"([{"code": "10", "scheme": "1.2", "display": null}])",
       "classCode entry 0 has a display that is not a string"},
      {R"([{"code": "10", "scheme": "1.2", "codingScheme": "1.2"}])",
       "classCode entry 0 has unknown key 'codingScheme'"},
      {R"([{"code": "10", "scheme": "1.2"}, {"code": "10", "scheme": "1.2"}])",
       "classCode entry 1 repeats code '10' of scheme '1.2'"},
  };
  for (const auto& [json, message] : cases) {
    BOOST_TEST_CONTEXT(json) {
      p.write_list("codes/class.json", json);
      check_error(p.error(), list, message);
    }
  }

  p.write_list("codes/class.json", "[{\"code\": \"\xff\", \"scheme\": \"1.2\"}]");
  BOOST_TEST(p.error().message.starts_with("not valid JSON: "));
}

BOOST_AUTO_TEST_CASE(type_to_class_missing_or_malformed) {
  ProfileDir p;
  p.write_profile(kWithTypeRule);
  p.write_list("codes/class.json", R"([{"code": "10", "scheme": "1.2.3"}])");
  p.write_list("codes/type.json", R"([{"code": "T1", "scheme": "9.9"},
                                      {"code": "T2", "scheme": "9.9"}])");
  const fs::path rule = p.dir / "codes" / "rule.json";
  check_error(p.error(), rule, "file does not exist");

  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"T1": "10"})", "class_code_for_type_code list must be a JSON array"},
      {R"([])", "class_code_for_type_code list is empty"},
      {R"([{"typeCode": "T1"}])", "class_code_for_type_code entry 0 has no classCode"},
      {R"([{"classCode": "10"}])", "class_code_for_type_code entry 0 has no typeCode"},
      {R"([{"typeCode": "T1", "classCode": "10"}, {"typeCode": "T1", "classCode": "10"}])",
       "class_code_for_type_code entry 1 repeats typeCode 'T1'"},
      {R"([{"typeCode": "T3", "classCode": "10"}])",
       "class_code_for_type_code entry 0: typeCode 'T3' is not in the typeCode list"},
      {R"([{"typeCode": "T1", "typeCodeScheme": "1.1", "classCode": "10"}])",
       "class_code_for_type_code entry 0: typeCode 'T1' is not in the typeCode list"},
      {R"([{"typeCode": "T1", "classCode": "11"}])",
       "class_code_for_type_code entry 0: classCode '11' is not in the classCode list"},
      {R"([{"typeCode": "T1", "classCode": "10", "class": "10"}])",
       "class_code_for_type_code entry 0 has unknown key 'class'"},
  };
  for (const auto& [json, message] : cases) {
    BOOST_TEST_CONTEXT(json) {
      p.write_list("codes/rule.json", json);
      check_error(p.error(), rule, message);
    }
  }

  p.write_list("codes/rule.json", R"([{"typeCode": "T1", "typeCodeScheme": "9.9",
      "classCode": "10", "classCodeScheme": "1.2.3"}, {"typeCode": "T2", "classCode": "10"}])");
  BOOST_TEST(registry::load_profile(p.dir).class_code_for_type_code.size() == 2u);
}

BOOST_AUTO_TEST_CASE(nist_codes_xml_missing_or_malformed) {
  ProfileDir p;
  p.write_profile(kNistProfile);
  const fs::path xml = p.dir / "c.xml";
  check_error(p.error(), xml, "file does not exist");

  const std::string class_code =
      R"(<CodeType name="classCode" classScheme="urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a">)";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<Codes><CodeType", ""},  // message checked below: parser's own words
      {"<x:Codes xmlns:x=\"urn:x\"/>",
       "root element is in namespace 'urn:x', expected <Codes> in no namespace"},
      {"<Other/>", "root element is <Other>, expected <Codes>"},
      {"<Codes/>", "no CodeType in <Codes>"},
      {"<Codes><Foo/></Codes>", "unexpected element <Foo> in <Codes>"},
      {"<Codes><CodeType><Code code=\"a\" codingScheme=\"1\"/></CodeType></Codes>",
       "CodeType 0 has no name"},
      {"<Codes><CodeType name=\"classcode\"/></Codes>",
       "CodeType 'classcode' is not a known XDS code attribute"},
      {"<Codes><CodeType name=\"classCode\" classScheme=\"urn:uuid:0\"/></Codes>",
       "CodeType 'classCode' has classScheme 'urn:uuid:0', expected "
       "'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a'"},
      {"<Codes>" + class_code + "</CodeType></Codes>", "CodeType 'classCode' has no Code"},
      {"<Codes>" + class_code +
           "<Code code=\"A\" codingScheme=\"1.2\"/><Code codingScheme=\"1.2\"/>"
           "</CodeType></Codes>",
       "classCode Code 1 has no code"},
      {"<Codes>" + class_code + "<Code code=\"A\" display=\"a\"/></CodeType></Codes>",
       "classCode Code 0 has no codingScheme"},
      {"<Codes>" + class_code + "<Bad/></CodeType></Codes>",
       "CodeType 'classCode' contains an unexpected element <Bad>"},
      {"<Codes>" + class_code + "<Code code=\"A\" codingScheme=\"1.2\"/></CodeType>" + class_code +
           "<Code code=\"B\" codingScheme=\"1.2\"/></CodeType></Codes>",
       "CodeType 'classCode' appears twice"},
  };
  for (const auto& [text, message] : cases) {
    BOOST_TEST_CONTEXT(text) {
      write(xml, text);
      const passerelle::Error error = p.error();
      if (message.empty()) {
        BOOST_TEST(error.code == passerelle::codes::kInternalError);
        BOOST_TEST(error.location == xml.string());
        BOOST_TEST(error.message.starts_with("not a well-formed, safe XML file: "));
      } else {
        check_error(error, xml, message);
      }
    }
  }

  // The hardened parser refuses a DOCTYPE; the profile loader reports it as
  // its own error, on the file.
  write(xml, "<!DOCTYPE Codes [<!ENTITY e \"x\">]><Codes/>");
  const passerelle::Error doctype = p.error();
  BOOST_TEST(doctype.code == passerelle::codes::kInternalError);
  BOOST_TEST(doctype.location == xml.string());
  BOOST_TEST(doctype.message == "not a well-formed, safe XML file: DOCTYPE is not allowed");

  // A NIST list and a JSON list for the same attribute clash.
  write(xml, "<Codes>" + class_code + "<Code code=\"A\" codingScheme=\"1.2\"/></CodeType></Codes>");
  p.write_profile(
      R"({"name": "n", "code_lists": {"nist_codes_xml": "c.xml", "classCode": "codes/class.json"}})");
  check_error(p.error(), p.dir / "profile.json", "code list 'classCode' is given twice");

  // mimeType needs no codingScheme; the AssigningAuthority list is skipped.
  write(xml,
        "<Codes><CodeType name=\"mimeType\"><Code code=\"text/xml\" ext=\"xml\"/></CodeType>"
        "<AssigningAuthority id=\"&amp;1.2&amp;ISO\" display=\"A\"/></Codes>");
  p.write_profile(kNistProfile);
  const registry::Profile profile = registry::load_profile(p.dir);
  BOOST_TEST(profile.code_lists.size() == 1u);
  BOOST_TEST(profile.codes("mimeType")->contains("text/xml", ""));
}

// ------------------------------------------------- profile names

BOOST_AUTO_TEST_CASE(bad_profile_names_are_refused) {
  TempDir root("passerelle-profiles");
  // A profile outside the root that a traversing name would reach.
  write(root.path() / "inner" / "profile.json", R"({"name": "inner"})");
  const fs::path inner_root = root.path() / "inner-root";
  fs::create_directories(inner_root);

  const std::vector<std::string> bad = {"",
                                        "../inner",
                                        "..",
                                        ".",
                                        "dmp/",
                                        "/dmp",
                                        "a b",
                                        "dmp\n",
                                        "dmp.old",
                                        "d\xc3\xa9mo",
                                        "a\\b",
                                        std::string("dmp\0x", 5),
                                        std::string(65, 'a')};
  for (const auto& name : bad) {
    BOOST_TEST_CONTEXT("name of " << name.size() << " bytes") {
      try {
        registry::load_named_profile(name, inner_root);
        BOOST_ERROR("profile name accepted");
      } catch (const Failure& failure) {
        BOOST_TEST(failure.error().code == passerelle::codes::kInternalError);
        BOOST_TEST(failure.error().location == inner_root.string());
        BOOST_TEST(failure.error().message.starts_with("invalid profile name '"));
      }
    }
  }

  // Good names: letters, digits and '-'.
  write(inner_root / "Test-2" / "profile.json", R"({"name": "Test-2"})");
  BOOST_TEST(registry::load_named_profile("Test-2", inner_root).name == "Test-2");
  const std::string longest(64, 'z');
  write(inner_root / longest / "profile.json", R"({"name": ")" + longest + R"("})");
  BOOST_TEST(registry::load_named_profile(longest, inner_root).name == longest);

  try {
    registry::load_named_profile("absent", inner_root);
    BOOST_ERROR("missing profile accepted");
  } catch (const Failure& failure) {
    check_error(failure.error(), inner_root / "absent", "no profile named 'absent'");
  }

  // The directory name and the profile's own name must agree.
  write(inner_root / "copy" / "profile.json", R"({"name": "dmp"})");
  try {
    registry::load_named_profile("copy", inner_root);
    BOOST_ERROR("misnamed profile accepted");
  } catch (const Failure& failure) {
    check_error(failure.error(), inner_root / "copy" / "profile.json",
                "profile is named 'dmp' but was loaded as 'copy'");
  }
}
