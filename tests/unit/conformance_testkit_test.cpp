#define BOOST_TEST_MODULE conformance_testkit
#include <boost/test/unit_test.hpp>

// The testkit reader: index.idx, collections.txt and testplan.xml as the
// NIST testkit writes them.

#include <filesystem>
#include <fstream>

#include "passerelle/conformance/testkit.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "temp_dir.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::conformance;
namespace fs = std::filesystem;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};

constexpr const char* kPlan = R"(<?xml version="1.0" encoding="UTF-8"?><TestPlan>
  <Test>15800/update</Test>
  <TestStep id="update">
    <ExpectedStatus>Failure</ExpectedStatus>
    <ExpectedErrorCode>XDSMetadataUpdateError</ExpectedErrorCode>
    <ExpectedErrorMessage>XDSPatientIdDoesNotMatch</ExpectedErrorMessage>
    <MuTransaction>
      <NoAssignUids id="Document01"/>
      <XDSb/>
      <NoPatientId/>
      <NoMTOM/>
      <UseReport reportName="$patientid$" test="15817" section="pif" step="step" useAs="$patientid$"/>
      <AssignUuids/>
      <MetadataFile>single_doc.xml</MetadataFile>
      <Document id="Document01">doc.txt</Document>
      <UseId testdir="../original" id="Document01" symbol="$lid$" step="original" section="AssignedUuids"/>
      <Report name="update_doc_uuid" section="InputMetadata">
                //*[local-name()='ExtrinsicObject'][1]/@id
      </Report>
      <Frobnicate/>
    </MuTransaction>
  </TestStep>
  <TestStep id="query">
    <ExpectedStatus>Success</ExpectedStatus>
    <StoredQueryTransaction>
      <MetadataFile>query.xml</MetadataFile>
      <ExpectedContents>
        <Documents count="2"/>
        <SSwithOneDoc/>
      </ExpectedContents>
    </StoredQueryTransaction>
  </TestStep>
  <TestStep id="validate">
    <NullTransaction>
      <Assertions>
        <DataRef file="THIS" as="output"/>
        <Assert id="same">count(//*[local-name()='ExtrinsicObject']) = 2</Assert>
      </Assertions>
    </NullTransaction>
  </TestStep>
</TestPlan>)";

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

BOOST_AUTO_TEST_CASE(index_lists_sections_in_order_without_blank_lines) {
  const auto sections = parse_index("submit\r\n\n  eval \n");
  BOOST_TEST(sections == (std::vector<std::string>{"submit", "eval"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(testplan_steps_and_their_instructions) {
  const auto steps = parse_testplan(kPlan, "testplan.xml");
  BOOST_TEST_REQUIRE(steps.size() == 3u);
  const auto& update = steps[0];
  BOOST_TEST(update.id == "update");
  BOOST_TEST(update.transaction == "MuTransaction");
  BOOST_TEST((update.kind == StepKind::Update));
  BOOST_TEST(update.expected_status == "Failure");
  BOOST_TEST(update.expected_codes == (std::vector<std::string>{"XDSMetadataUpdateError"}),
             boost::test_tools::per_element());
  BOOST_TEST(update.expected_messages.size() == 1u);
  BOOST_TEST(update.no_patient_id);
  BOOST_TEST(update.no_mtom);
  BOOST_TEST(!update.no_assign_uids_all);
  BOOST_TEST(update.no_assign_uids.contains("Document01"));
  BOOST_TEST(update.metadata_file == "single_doc.xml");
  BOOST_TEST_REQUIRE(update.documents.size() == 1u);
  BOOST_TEST(update.documents[0].second == "doc.txt");
  BOOST_TEST_REQUIRE(update.use_ids.size() == 1u);
  BOOST_TEST(update.use_ids[0].testdir == "../original");
  BOOST_TEST(update.use_ids[0].section == "AssignedUuids");
  BOOST_TEST(update.use_ids[0].symbol == "$lid$");
  BOOST_TEST_REQUIRE(update.use_reports.size() == 1u);
  BOOST_TEST(update.use_reports[0].test == "15817");
  BOOST_TEST_REQUIRE(update.reports.size() == 1u);
  BOOST_TEST(update.reports[0].xpath == "//*[local-name()='ExtrinsicObject'][1]/@id");
  BOOST_TEST(update.unknown_elements == (std::vector<std::string>{"Frobnicate"}),
             boost::test_tools::per_element());

  const auto& query = steps[1];
  BOOST_TEST((query.kind == StepKind::StoredQuery));
  BOOST_TEST_REQUIRE(query.expected_contents.size() == 2u);
  BOOST_TEST(query.expected_contents[0].name == "Documents");
  BOOST_TEST(query.expected_contents[0].attributes.at("count") == "2");
  BOOST_TEST(query.expected_contents[1].name == "SSwithOneDoc");

  const auto& validate = steps[2];
  BOOST_TEST((validate.kind == StepKind::Null));
  BOOST_TEST_REQUIRE(validate.assertions.size() == 1u);
  BOOST_TEST(validate.assertions[0].id == "same");
}

BOOST_AUTO_TEST_CASE(a_new_patient_id_step_is_read) {
  // NIST 11998/rplc: a step of its own, then the replacement that must be
  // refused because it names another patient.
  const auto steps = parse_testplan(
      "<TestPlan><TestStep id=\"init_patient_id\"><ExpectedStatus>Success</ExpectedStatus>"
      "<NewPatientId/></TestStep><TestStep id=\"rplc\"><ExpectedStatus>Failure</ExpectedStatus>"
      "<RegisterTransaction><XDSb/><MetadataFile>rplc.xml</MetadataFile></RegisterTransaction>"
      "</TestStep></TestPlan>",
      "testplan.xml");
  BOOST_TEST_REQUIRE(steps.size() == 2u);
  BOOST_TEST(steps[0].new_patient_id);
  BOOST_TEST(steps[0].transaction.empty());
  BOOST_TEST((steps[0].kind == StepKind::Other));
  BOOST_TEST(!steps[1].new_patient_id);
}

BOOST_AUTO_TEST_CASE(transactions_map_to_step_kinds) {
  BOOST_TEST((step_kind("ProvideAndRegisterTransaction") == StepKind::ProvideAndRegister));
  BOOST_TEST((step_kind("RegisterTransaction") == StepKind::Register));
  BOOST_TEST((step_kind("RetrieveTransaction") == StepKind::Retrieve));
  BOOST_TEST((step_kind("RemoveMetadataTransaction") == StepKind::RemoveMetadata));
  BOOST_TEST((step_kind("PatientIdentityFeedTransaction") == StepKind::PatientFeed));
  BOOST_TEST((step_kind("XCQTransaction") == StepKind::Other));
}

BOOST_AUTO_TEST_CASE(malformed_testplan_throws) {
  BOOST_CHECK_THROW(parse_testplan("<TestPlan><TestStep>", "bad.xml"), Failure);
}

BOOST_AUTO_TEST_CASE(testkit_folder_collections_and_load) {
  testing::TempDir dir("conformance-testkit");
  const auto tests = dir.path() / "tests";
  write(tests / "100" / "collections.txt", "R.b reg \n");
  write(tests / "100" / "index.idx", "submit\neval\n");
  write(tests / "100" / "readme.txt", "Register one document\nmore\n");
  write(tests / "100" / "submit" / "testplan.xml", kPlan);
  write(tests / "100" / "eval" / "testplan.xml", "<TestPlan/>");
  write(tests / "200" / "collections.txt", "rep\n");
  write(tests / "200" / "testplan.xml", "<TestPlan/>");

  const Testkit testkit(dir.path());
  BOOST_TEST(testkit.test_ids() == (std::vector<std::string>{"100", "200"}),
             boost::test_tools::per_element());
  BOOST_TEST(testkit.collection("reg") == (std::vector<std::string>{"100"}),
             boost::test_tools::per_element());
  BOOST_TEST(testkit.collection("R").empty());
  BOOST_TEST(testkit.has_test("200"));
  BOOST_TEST(!testkit.has_test("../100"));

  const auto test = testkit.load("100");
  BOOST_TEST(test.description == "Register one document");
  BOOST_TEST(test.collections == (std::vector<std::string>{"R.b", "reg"}),
             boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(test.sections.size() == 2u);
  BOOST_TEST(test.sections[0].name == "submit");
  BOOST_TEST(test.sections[0].steps.size() == 3u);
  BOOST_TEST(test.sections[1].steps.empty());

  const auto single = testkit.load("200");  // no index.idx: the test folder is the section
  BOOST_TEST_REQUIRE(single.sections.size() == 1u);
  BOOST_TEST(single.sections[0].name == "");

  BOOST_CHECK_THROW(testkit.load("300"), Failure);
  BOOST_CHECK_THROW(Testkit(dir.path() / "nowhere"), Failure);
}
