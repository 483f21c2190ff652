#define BOOST_TEST_MODULE cda_replacement
#include <boost/test/unit_test.hpp>

// Issue 8, R-CDA-37 [S]: a CDA replacing a stored one (RPLC) keeps its setId,
// increases its versionNumber and names it in relatedDocument RPLC
// parentDocument/id (cda::check_replacement, and through check_document).

#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "passerelle/cda/agreement.hpp"
#include "passerelle/cda/clinical_document.hpp"
#include "passerelle/cda/finding.hpp"
#include "passerelle/cda/validator.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/metadata.hpp"
#include "xds_client.hpp"

namespace {

using namespace passerelle;
using passerelle::testing::read_fixture;
using passerelle::testing::replace_all;

// The validator is compiled once and goes before the Runtime.
const cda::Validator* shared_validator = nullptr;
struct XmlRuntime {
  xml::Runtime runtime;
  std::optional<cda::Validator> validator;
  XmlRuntime() { shared_validator = &validator.emplace(); }
  ~XmlRuntime() {
    shared_validator = nullptr;
    validator.reset();
  }
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntime);

const std::string kStored = read_fixture("cda/agreement/document01.xml");
const std::string kStoredId = "1.2.250.1.999.1.1.20240502.1";
const std::string kSetId = "1.2.250.1.999.1.3.20240502.1";

// The stored document's next version: a new id, `version`, setId `set_id`,
// and a relatedDocument RPLC naming `parent_id` ("" = no relatedDocument).
std::string next_version(const std::string& version, const std::string& set_id,
                         const std::string& parent_id) {
  std::string cda = replace_all(kStored, "<id root=\"" + kStoredId + "\"/>",
                                "<id root=\"1.2.250.1.999.1.1.20240502.2\"/>");
  cda = replace_all(cda, "<versionNumber value=\"1\"/>",
                    "<versionNumber value=\"" + version + "\"/>");
  cda = replace_all(cda, "<setId root=\"" + kSetId + "\"/>", "<setId root=\"" + set_id + "\"/>");
  if (!parent_id.empty()) {
    cda = replace_all(cda, "  <componentOf>",
                      "  <relatedDocument typeCode=\"RPLC\">\n    <parentDocument>\n"
                      "      <id root=\"" +
                          parent_id +
                          "\"/>\n    </parentDocument>\n  </relatedDocument>\n"
                          "  <componentOf>");
  }
  return cda;
}

std::string describe(const std::vector<cda::Finding>& findings) {
  std::string out;
  for (const auto& f : findings) out += "\n  " + f.rule_id + " @" + f.location + ": " + f.message;
  return out;
}

const cda::Validator& validator() { return *shared_validator; }

// What check_document adds when given the predecessor: the gateway's path,
// on the header tree of the validating parse.
std::vector<cda::Finding> through_validator(const std::string& replacement,
                                            const std::string& stored) {
  const registry::DocumentEntry no_metadata;
  const auto without =
      cda::check_document(replacement, no_metadata, nullptr, nullptr, &validator());
  auto with = cda::check_document(replacement, no_metadata, nullptr, nullptr, &validator(), stored);
  BOOST_TEST_REQUIRE(with.size() >= without.size());
  return {with.begin() + static_cast<std::ptrdiff_t>(without.size()), with.end()};
}

// check_replacement on the DOM, and the same findings through check_document.
std::vector<cda::Finding> check(const std::string& replacement, const std::string& stored) {
  const auto document = xml::parse(replacement);
  auto located = cda::locate_clinical_document(document.root());
  BOOST_TEST_REQUIRE(std::holds_alternative<cda::LocatedDocument>(located));
  auto from_dom = cda::check_replacement(*std::get<cda::LocatedDocument>(located).element, stored);
  const auto from_tree = through_validator(replacement, stored);
  BOOST_TEST(describe(from_tree) == describe(from_dom),
             "header tree:" << describe(from_tree) << "\nDOM:" << describe(from_dom));
  return from_dom;
}

// Exactly one R-CDA-37 finding, of that severity, at that location.
void expect_one(const std::vector<cda::Finding>& findings, passerelle::Severity severity,
                const std::string& location) {
  BOOST_TEST_REQUIRE(findings.size() == 1u, describe(findings));
  BOOST_TEST(findings[0].rule_id == "R-CDA-37");
  BOOST_TEST((findings[0].severity == severity), describe(findings));
  BOOST_TEST(findings[0].location == location);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cda_replacement)

BOOST_AUTO_TEST_CASE(same_set_greater_version_and_parent_is_accepted) {
  const auto findings = check(next_version("2", kSetId, kStoredId), kStored);
  BOOST_TEST(findings.empty(), describe(findings));
}

BOOST_AUTO_TEST_CASE(another_set_id_is_refused) {
  expect_one(check(next_version("2", "1.2.250.1.999.1.3.20240502.9", kStoredId), kStored),
             passerelle::Severity::Error, "/ClinicalDocument/setId");
}

BOOST_AUTO_TEST_CASE(a_version_not_greater_is_refused) {
  for (const char* version : {"1", "0"}) {
    expect_one(check(next_version(version, kSetId, kStoredId), kStored),
               passerelle::Severity::Error, "/ClinicalDocument/versionNumber");
  }
}

BOOST_AUTO_TEST_CASE(a_parent_document_other_than_the_replaced_one_is_refused) {
  expect_one(check(next_version("2", kSetId, "1.2.250.1.999.1.1.20240502.7"), kStored),
             passerelle::Severity::Error, "/ClinicalDocument/relatedDocument/parentDocument/id");
}

BOOST_AUTO_TEST_CASE(a_replacement_without_related_document_is_refused) {
  expect_one(check(next_version("2", kSetId, ""), kStored), passerelle::Severity::Error,
             "/ClinicalDocument/relatedDocument");
}

BOOST_AUTO_TEST_CASE(a_predecessor_that_is_no_cda_is_only_a_warning) {
  expect_one(check(next_version("2", kSetId, kStoredId), "%PDF-1.4 not xml"),
             passerelle::Severity::Warning, "/ClinicalDocument/setId");
  expect_one(check(next_version("2", kSetId, kStoredId), "<html/>"), passerelle::Severity::Warning,
             "/ClinicalDocument/setId");
}

BOOST_AUTO_TEST_SUITE_END()
