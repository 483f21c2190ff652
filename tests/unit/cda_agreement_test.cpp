#define BOOST_TEST_MODULE cda_agreement
#include <boost/test/unit_test.hpp>

// Issue 8: XDS metadata ↔ CDA header agreement (cda/include/passerelle/cda/agreement.hpp).
// The baseline is the fixture lot (tests/fixtures/xds/provide_and_register_two_docs.xml,
// read by the registry's own metadata reader) and the CDA documents written to agree
// with it (tests/fixtures/cda/agreement/). Each rule gets a failing and a passing case;
// the failing ones change exactly one thing, in the CDA text or in the metadata.

#include <algorithm>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "passerelle/cda/agreement.hpp"
#include "passerelle/cda/validator.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/profile.hpp"
#include "xds_client.hpp"

namespace {

using namespace passerelle;
using passerelle::testing::replace_all;

// The validator is compiled once and goes before the Runtime.
const cda::Validator* shared_validator = nullptr;
struct XmlRuntimeFixture {
  xml::Runtime runtime;
  std::optional<cda::Validator> validator;
  XmlRuntimeFixture() { shared_validator = &validator.emplace(); }
  ~XmlRuntimeFixture() {
    shared_validator = nullptr;
    validator.reset();
  }
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PASSERELLE_SOURCE_DIR) + "/tests/fixtures/cda/agreement/" + name,
                   std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  BOOST_TEST_REQUIRE(!bytes.str().empty());
  return bytes.str();
}

const registry::Profile& dmp() {
  static const registry::Profile profile = registry::load_named_profile("dmp");
  return profile;
}

// The fixture lot as the registry reads it. Not movable: the Submission
// points into the request.
struct Lot {
  xml::Document metadata = xml::parse(testing::two_document_metadata());
  registry::SubmitObjectsRequest request = registry::parse_submit_objects(metadata.root());
  registry::Submission submission = registry::read_submission(request);

  registry::DocumentEntry entry(const std::string& id) const {
    for (const auto& entry : submission.documents) {
      if (entry.entry_uuid == id) return entry;
    }
    BOOST_FAIL("no DocumentEntry " << id);
    return {};
  }
  const registry::SubmissionSet& set() const { return submission.submission_sets.front(); }
};

std::string describe(const std::vector<cda::Finding>& findings) {
  std::string out;
  for (const auto& finding : findings) {
    out += "\n  " + finding.rule_id + (finding.severity == Severity::Error ? " E " : " W ") +
           finding.location + ": " + finding.message;
  }
  return out.empty() ? " none" : out;
}

const cda::Validator& validator() { return *shared_validator; }

// The agreement checks read a DOM here (check_agreement) and, in the gateway,
// the header tree of the validating parse (check_document with a validator):
// every case checks that both give the same findings.
std::vector<cda::Finding> check(const std::string& cda_text, const registry::DocumentEntry& entry,
                                const registry::SubmissionSet* set,
                                const registry::Profile* profile = &dmp()) {
  const auto document = xml::parse(cda_text);
  auto from_dom = cda::check_agreement(document.root(), entry, set, profile);
  std::vector<cda::Finding> from_tree;
  for (auto& finding : cda::check_document(cda_text, entry, set, profile, &validator())) {
    if (finding.rule_id.starts_with("X-") || finding.rule_id.starts_with("DMP-")) {
      from_tree.push_back(std::move(finding));
    }
  }
  BOOST_TEST(describe(from_tree) == describe(from_dom),
             "header tree:" << describe(from_tree) << "\nDOM:" << describe(from_dom));
  return from_dom;
}

std::size_t count(const std::vector<cda::Finding>& findings, const std::string& rule,
                  Severity severity) {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [&](const cda::Finding& finding) {
        return finding.rule_id == rule && finding.severity == severity;
      }));
}

// Exactly the findings of `rule` with that severity appear, and nothing else.
void expect_only(const std::vector<cda::Finding>& findings, const std::string& rule,
                 Severity severity = Severity::Error) {
  BOOST_TEST(count(findings, rule, severity) >= 1u,
             "expected " << rule << ", got:" << describe(findings));
  BOOST_TEST(count(findings, rule, severity) == findings.size(),
             "unexpected findings beside " << rule << ":" << describe(findings));
}

void expect_none(const std::vector<cda::Finding>& findings) {
  BOOST_TEST(findings.empty(), "expected no finding, got:" << describe(findings));
}

const std::string kCda1 = fixture("document01.xml");
const std::string kCda2 = fixture("document02.xml");

}  // namespace

BOOST_AUTO_TEST_SUITE(baseline)

BOOST_AUTO_TEST_CASE(the_fixture_documents_agree_with_the_fixture_lot) {
  Lot lot;
  expect_none(check(kCda1, lot.entry("Document01"), &lot.set()));
  expect_none(check(kCda2, lot.entry("Document02"), &lot.set()));
}

BOOST_AUTO_TEST_CASE(swapped_documents_disagree_on_dates_title_and_unique_id) {
  Lot lot;
  const auto findings = check(kCda2, lot.entry("Document01"), &lot.set());
  for (const char* rule : {"X-4", "X-6", "X-12", "X-13"}) {
    BOOST_TEST(count(findings, rule, Severity::Error) >= 1u, rule << ":" << describe(findings));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rules)

BOOST_AUTO_TEST_CASE(x1_patient_id_must_be_the_cda_ins) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.patient_id = "9999999999999^^^&1.2.250.1.213.1.4.10&ISO^NH";
  expect_only(check(kCda1, entry, nullptr), "X-1");
  // The IPP (another patientRole/id) is not an INS: refused as patientId.
  entry.patient_id = "IPP0001^^^&1.2.250.1.999.1.4&ISO^PI";
  expect_only(check(kCda1, entry, nullptr), "X-1");
  // The submission set's patientId is compared too.
  auto set = lot.set();
  set.patient_id = "9999999999999^^^&1.2.250.1.213.1.4.10&ISO^NH";
  expect_only(check(kCda1, lot.entry("Document01"), &set), "X-1");
}

BOOST_AUTO_TEST_CASE(x1_passes_with_the_ipp_as_source_patient_id_and_warns_on_patient_info) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.source_patient_id = "IPP0001^^^&1.2.250.1.999.1.4&ISO^PI";
  expect_none(check(kCda1, entry, &lot.set()));
  entry.source_patient_info = {"PID-5|MARTIN^Marie^^^^^L", "PID-7|19760412", "PID-8|M"};
  const auto findings = check(kCda1, entry, &lot.set());
  expect_only(findings, "X-1", Severity::Warning);
  BOOST_TEST(findings.size() == 3u);
}

BOOST_AUTO_TEST_CASE(x2_type_code_must_be_the_cda_code) {
  Lot lot;
  expect_only(check(replace_all(kCda1, "code=\"11488-4\"", "code=\"34133-9\""),
                    lot.entry("Document01"), &lot.set(), nullptr),
              "X-2");
  auto entry = lot.entry("Document01");
  entry.type_code->scheme = "1.2.3";
  expect_only(check(kCda1, entry, &lot.set()), "X-2");
}

BOOST_AUTO_TEST_CASE(x2_a_different_display_name_is_only_a_warning) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.type_code->display = "Compte rendu de consultation";
  expect_only(check(kCda1, entry, &lot.set()), "X-2", Severity::Warning);
}

BOOST_AUTO_TEST_CASE(x3_class_code_follows_the_cda_type_code) {
  Lot lot;
  auto entry = lot.entry("Document01");
  BOOST_TEST_REQUIRE(dmp().class_code_for_type_code.at("11488-4") == "10");
  entry.class_code->code = "11";
  expect_only(check(kCda1, entry, &lot.set()), "X-3");
  // Without a profile (no ASS_X04 table) there is nothing to compare.
  expect_none(check(kCda1, entry, &lot.set(), nullptr));
}

BOOST_AUTO_TEST_CASE(x3_passes_for_another_type_of_the_same_class) {
  Lot lot;
  auto entry = lot.entry("Document01");
  // 11490-0 (lettre de sortie) is also of class 10.
  BOOST_TEST_REQUIRE(dmp().class_code_for_type_code.at("11490-0") == "10");
  entry.type_code->code = "11490-0";
  entry.type_code->display = "";
  const auto cda = replace_all(kCda1, "code=\"11488-4\"", "code=\"11490-0\"");
  expect_none(check(cda, entry, &lot.set()));
}

BOOST_AUTO_TEST_CASE(x4_creation_time_is_the_effective_time_in_utc) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.creation_time = "20240502111500";  // local time sent as if UTC
  expect_only(check(kCda1, entry, &lot.set()), "X-4");
  // A malformed CDA time cannot agree.
  expect_only(check(replace_all(kCda1, "<effectiveTime value=\"20240502111500+0200\"/>",
                                "<effectiveTime value=\"20240231111500+0200\"/>"),
                    lot.entry("Document01"), &lot.set()),
              "X-4");
}

BOOST_AUTO_TEST_CASE(x4_compares_at_the_cda_precision_across_midnight_and_short_offsets) {
  Lot lot;
  auto entry = lot.entry("Document01");
  // Minute precision, +02:00.
  expect_none(check(replace_all(kCda1, "<effectiveTime value=\"20240502111500+0200\"/>",
                                "<effectiveTime value=\"202405021115+0200\"/>"),
                    entry, &lot.set()));
  // Across midnight and a year, and "+100" read as +10:00 (R-CDA-47).
  entry.creation_time = "20231231200000";
  expect_none(check(replace_all(kCda1, "<effectiveTime value=\"20240502111500+0200\"/>",
                                "<effectiveTime value=\"20240101060000+100\"/>"),
                    entry, &lot.set()));
  // Negative offset, fraction of a second dropped.
  entry.creation_time = "20240502091500";
  expect_none(check(replace_all(kCda1, "<effectiveTime value=\"20240502111500+0200\"/>",
                                "<effectiveTime value=\"20240502041500.250-0500\"/>"),
                    entry, &lot.set()));
}

BOOST_AUTO_TEST_CASE(x5_one_hl7_code_equal_to_the_cda_plus_dmp_codes_only) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.confidentiality_codes = {{"R", "2.16.840.1.113883.5.25", "Restreint"}};
  expect_only(check(kCda1, entry, &lot.set()), "X-5");
  entry.confidentiality_codes = {{"N", "2.16.840.1.113883.5.25", ""},
                                 {"R", "2.16.840.1.113883.5.25", ""}};
  expect_only(check(kCda1, entry, &lot.set()), "X-5");
  entry.confidentiality_codes = {{"MASQUE_PS", "1.2.250.1.213.1.1.4.13", ""}};
  expect_only(check(kCda1, entry, &lot.set()), "X-5");
  entry.confidentiality_codes = {{"N", "2.16.840.1.113883.5.25", ""}, {"X", "1.2.3.4", ""}};
  expect_only(check(kCda1, entry, &lot.set()), "X-5");
  entry.confidentiality_codes = {{"N", "2.16.840.1.113883.5.25", ""},
                                 {"MASQUE_PS", "1.2.250.1.213.1.1.4.13", ""},
                                 {"MASQUE_PS", "1.2.250.1.213.1.1.4.13", ""}};
  expect_only(check(kCda1, entry, &lot.set()), "X-5");
}

BOOST_AUTO_TEST_CASE(x5_passes_with_the_three_dmp_codes_in_any_order) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.confidentiality_codes = {{"INVISIBLE_PATIENT", "1.2.250.1.213.1.1.4.13", ""},
                                 {"N", "2.16.840.1.113883.5.25", ""},
                                 {"MASQUE_PS", "1.2.250.1.213.1.1.4.13", ""},
                                 {"INVISIBLE_REPRESENTANTS_LEGAUX", "1.2.250.1.213.1.1.4.13", ""}};
  expect_none(check(kCda1, entry, &lot.set()));
}

BOOST_AUTO_TEST_CASE(x6_service_times_are_the_service_event_bounds) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.service_start_time = "20240502100000";
  expect_only(check(kCda1, entry, &lot.set()), "X-6");
  entry = lot.entry("Document01");
  entry.service_stop_time = "20240502094500";
  expect_only(check(kCda1, entry, &lot.set()), "X-6");
  // serviceStopTime without a CDA high.
  expect_only(check(replace_all(kCda1, "<high value=\"20240502104500+0200\"/>", ""),
                    lot.entry("Document01"), &lot.set()),
              "X-6");
}

BOOST_AUTO_TEST_CASE(x6_passes_without_stop_time_with_a_warning_when_the_cda_has_an_end) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.service_stop_time.clear();
  expect_none(
      check(replace_all(kCda1, "<high value=\"20240502104500+0200\"/>", ""), entry, &lot.set()));
  expect_only(check(kCda1, entry, &lot.set()), "X-6", Severity::Warning);
}

BOOST_AUTO_TEST_CASE(x7_practice_setting_is_the_performer_organisation_class) {
  Lot lot;
  expect_only(check(replace_all(kCda1, "code=\"ETABLISSEMENT\"", "code=\"AMBULATOIRE\""),
                    lot.entry("Document01"), &lot.set()),
              "X-7");
  auto entry = lot.entry("Document01");
  entry.practice_setting_code->scheme = "1.2.250.1.213.1.1.4.2";
  expect_only(check(kCda1, entry, &lot.set()), "X-7");
}

BOOST_AUTO_TEST_CASE(x7_passes_when_both_say_the_same_and_warns_without_performer) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.practice_setting_code->code = "AMBULATOIRE";
  expect_none(check(replace_all(kCda1, "code=\"ETABLISSEMENT\"", "code=\"AMBULATOIRE\""), entry,
                    &lot.set()));
  const auto start = kCda1.find("<performer");
  const auto end = kCda1.find("</performer>") + std::string("</performer>").size();
  expect_only(
      check(std::string(kCda1).erase(start, end - start), lot.entry("Document01"), &lot.set()),
      "X-7", Severity::Warning);
}

BOOST_AUTO_TEST_CASE(x8_facility_type_is_the_health_care_facility_code) {
  Lot lot;
  expect_only(check(replace_all(kCda1, "code=\"SA01\"", "code=\"SA07\""), lot.entry("Document01"),
                    &lot.set()),
              "X-8");
}

BOOST_AUTO_TEST_CASE(x8_passes_when_metadata_follows_the_cda) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.healthcare_facility_type_code->code = "SA07";
  expect_none(check(replace_all(kCda1, "code=\"SA01\"", "code=\"SA07\""), entry, &lot.set()));
}

BOOST_AUTO_TEST_CASE(x9_authors_and_their_institution_are_the_cda_authors) {
  Lot lot;
  auto entry = lot.entry("Document01");
  BOOST_TEST_REQUIRE(entry.authors.size() == 1u);
  // An authorPerson that is no CDA author (and the CDA author left without XDS author).
  entry.authors[0].person = "801111111111^MARTIN^Paul^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS";
  const auto findings = check(kCda1, entry, nullptr);
  expect_only(findings, "X-9");
  BOOST_TEST(findings.size() == 2u, describe(findings));
  // Another institution than the CDA author's organisation.
  entry = lot.entry("Document01");
  entry.authors[0].institutions = {"Clinique Test^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^19999999999"};
  expect_only(check(kCda1, entry, nullptr), "X-9");
  // A second CDA author without an XDS author.
  const std::string second =
      "<author><time value=\"20240502111500+0200\"/><assignedAuthor>"
      "<id root=\"1.2.250.1.71.4.2.1\" extension=\"801222222222\"/></assignedAuthor></author>"
      "<custodian>";
  expect_only(check(replace_all(kCda1, "<custodian>", second), lot.entry("Document01"), &lot.set()),
              "X-9");
}

BOOST_AUTO_TEST_CASE(x9_passes_with_two_authors_and_warns_on_names_and_specialty) {
  Lot lot;
  auto entry = lot.entry("Document01");
  const std::string second =
      "<author><time value=\"20240502111500+0200\"/><assignedAuthor>"
      "<id root=\"1.2.250.1.71.4.2.1\" extension=\"801222222222\"/></assignedAuthor></author>"
      "<custodian>";
  registry::Author other;
  other.person = "801222222222^MARTIN^Paul^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS";
  entry.authors.push_back(other);
  expect_none(check(replace_all(kCda1, "<custodian>", second), entry, &lot.set()));

  entry = lot.entry("Document01");
  entry.authors[0].person = "801234567890^DUPOND^Jean^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS";
  entry.authors[0].specialties = {"G15_10/SM54^Médecin - Psychiatrie (SM)^1.2.250.1.213.1.1.4.5"};
  const auto findings = check(kCda1, entry, &lot.set());
  expect_only(findings, "X-9", Severity::Warning);
  BOOST_TEST(findings.size() == 2u, describe(findings));
}

BOOST_AUTO_TEST_CASE(x10_legal_authenticator_is_the_cda_one) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.legal_authenticator = "801111111111^MARTIN^Paul^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS";
  expect_only(check(kCda1, entry, &lot.set()), "X-10");
  const auto start = kCda1.find("<legalAuthenticator>");
  const auto end =
      kCda1.find("</legalAuthenticator>") + std::string("</legalAuthenticator>").size();
  expect_only(
      check(std::string(kCda1).erase(start, end - start), lot.entry("Document01"), &lot.set()),
      "X-10");
}

BOOST_AUTO_TEST_CASE(x10_passes_whatever_the_name_case_and_warns_on_another_name) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.legal_authenticator = "801234567890^Dupont^Jean^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS";
  expect_none(check(kCda1, entry, &lot.set()));
  entry.legal_authenticator = "801234567890^Durand^Jean^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS";
  expect_only(check(kCda1, entry, &lot.set()), "X-10", Severity::Warning);
}

BOOST_AUTO_TEST_CASE(x11_language_code) {
  Lot lot;
  expect_only(
      check(replace_all(kCda1, "<languageCode code=\"fr-FR\"/>", "<languageCode code=\"en-US\"/>"),
            lot.entry("Document01"), &lot.set()),
      "X-11");
  // Language tags are case-insensitive.
  expect_none(
      check(replace_all(kCda1, "<languageCode code=\"fr-FR\"/>", "<languageCode code=\"FR-fr\"/>"),
            lot.entry("Document01"), &lot.set()));
}

BOOST_AUTO_TEST_CASE(x12_title_whitespace_normalised) {
  Lot lot;
  expect_only(check(replace_all(kCda1, "du 02/05/2024</title>", "du 03/05/2024</title>"),
                    lot.entry("Document01"), &lot.set()),
              "X-12");
  expect_none(check(replace_all(kCda1, "<title>Compte rendu de consultation",
                                "<title>\n    Compte  rendu\tde consultation"),
                    lot.entry("Document01"), &lot.set()));
}

BOOST_AUTO_TEST_CASE(x13_unique_id_is_root_or_root_caret_extension) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.unique_id = "1.2.250.1.999.1.1.20240502.2";
  expect_only(check(kCda1, entry, &lot.set()), "X-13");
  // The CDA has an extension: the metadata must carry it.
  const auto with_extension = replace_all(kCda1, "<id root=\"1.2.250.1.999.1.1.20240502.1\"/>",
                                          "<id root=\"1.2.250.1.999.1.1\" extension=\"CR42\"/>");
  entry.unique_id = "1.2.250.1.999.1.1";
  expect_only(check(with_extension, entry, &lot.set()), "X-13");
  entry.unique_id = "1.2.250.1.999.1.1^CR42";
  expect_none(check(with_extension, entry, &lot.set()));
}

BOOST_AUTO_TEST_CASE(x14_format_code_follows_the_body) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.format_code->code = "urn:ihe:iti:xds-sd:text:2008";
  expect_only(check(kCda1, entry, &lot.set()), "X-14");
  // A structured (N3) body with an N1 format.
  const auto start = kCda1.find("<component>");
  const auto end = kCda1.find("</component>") + std::string("</component>").size();
  const std::string n3 = std::string(kCda1).replace(
      start, end - start,
      "<component><structuredBody><component><section><title>Motif</title><text>RAS</text>"
      "</section></component></structuredBody></component>");
  expect_only(check(n3, lot.entry("Document01"), &lot.set()), "X-14");
  // N3 with a volet format: nothing to say.
  entry = lot.entry("Document01");
  entry.format_code =
      registry::Code{"urn:asip:ci-sis:cr-bio:2024", "1.2.250.1.213.1.1.4.2.282", ""};
  expect_none(check(n3, entry, &lot.set()));
}

BOOST_AUTO_TEST_CASE(x14_passes_for_a_text_body_and_warns_on_application_xml) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.format_code->code = "urn:ihe:iti:xds-sd:text:2008";
  expect_none(check(replace_all(kCda1, "mediaType=\"application/pdf\"", "mediaType=\"text/plain\""),
                    entry, &lot.set()));
  entry = lot.entry("Document01");
  entry.mime_type = "application/xml";
  expect_only(check(kCda1, entry, &lot.set()), "X-14", Severity::Warning);
}

BOOST_AUTO_TEST_CASE(x15_event_codes_and_reference_ids_are_in_the_header) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.event_codes = {{"GLQP012", "1.2.250.1.213.2.5", ""}};
  entry.reference_ids = {"CMD-42^^^&1.2.250.1.999.1.5&ISO^urn:ihe:iti:xds:2013:order"};
  const auto findings = check(kCda1, entry, &lot.set());
  expect_only(findings, "X-15", Severity::Warning);
  BOOST_TEST(findings.size() == 2u, describe(findings));
}

BOOST_AUTO_TEST_CASE(x15_passes_when_the_header_has_them) {
  Lot lot;
  auto entry = lot.entry("Document01");
  entry.event_codes = {{"GLQP012", "1.2.250.1.213.2.5", ""}};
  entry.reference_ids = {"CMD-42^^^&1.2.250.1.999.1.5&ISO^urn:ihe:iti:xds:2013:order"};
  auto cda = replace_all(kCda1, "<serviceEvent>",
                         "<serviceEvent><code code=\"GLQP012\" codeSystem=\"1.2.250.1.213.2.5\"/>");
  cda = replace_all(cda, "<documentationOf>",
                    "<inFulfillmentOf><order><id root=\"1.2.250.1.999.1.5\" extension=\"CMD-42\"/>"
                    "</order></inFulfillmentOf><documentationOf>");
  expect_none(check(cda, entry, &lot.set()));
}

BOOST_AUTO_TEST_CASE(dmp_lot_institution_equals_the_documents) {
  Lot lot;
  auto set = lot.set();
  set.authors[0].institutions = {"Clinique Test^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^19999999999"};
  expect_only(check(kCda1, lot.entry("Document01"), &set), "DMP-AUTHOR-INSTITUTION");
  set.authors[0].institutions.clear();
  expect_only(check(kCda1, lot.entry("Document01"), &set), "DMP-AUTHOR-INSTITUTION");
}

BOOST_AUTO_TEST_CASE(dmp_lot_institution_passes_with_the_same_institution_twice) {
  Lot lot;
  auto set = lot.set();
  set.authors.push_back(set.authors[0]);
  expect_none(check(kCda1, lot.entry("Document01"), &set));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(whole_document)

BOOST_AUTO_TEST_CASE(a_signed_cda_is_checked_inside_its_signature) {
  Lot lot;
  const auto body = kCda1.substr(kCda1.find("<ClinicalDocument"));
  const std::string signed_cda =
      "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo/>"
      "<ds:SignatureValue/><ds:Object>" +
      body + "</ds:Object></ds:Signature>";
  expect_none(
      cda::check_document(signed_cda, lot.entry("Document01"), &lot.set(), &dmp(), nullptr));
  auto entry = lot.entry("Document01");
  entry.creation_time = "20240101000000";
  expect_only(cda::check_document(signed_cda, entry, &lot.set(), &dmp(), nullptr), "X-4");
  // With the validator, the agreement reads the tree of the extracted
  // ClinicalDocument (the envelope is parsed into a DOM first).
  std::size_t x4 = 0;
  for (const auto& finding :
       cda::check_document(signed_cda, entry, &lot.set(), &dmp(), &validator())) {
    if (finding.rule_id.starts_with("X-") || finding.rule_id.starts_with("DMP-")) {
      BOOST_TEST(finding.rule_id == "X-4");
      ++x4;
    }
  }
  BOOST_TEST(x4 == 1u);
}

BOOST_AUTO_TEST_CASE(bad_bytes_and_documents_without_clinical_document_are_findings) {
  Lot lot;
  expect_only(cda::check_document("%PDF-1.4", lot.entry("Document01"), &lot.set(), &dmp(), nullptr),
              "XML");
  expect_only(cda::check_document("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x/>",
                                  lot.entry("Document01"), &lot.set(), &dmp(), nullptr),
              "XML");
  expect_only(cda::check_document("<html/>", lot.entry("Document01"), &lot.set(), &dmp(), nullptr),
              "R-CDA-LOCATE");
}

BOOST_AUTO_TEST_CASE(the_registry_hook_gives_rule_ids_as_error_codes) {
  Lot lot;
  auto profile = std::make_shared<const registry::Profile>(dmp());
  const auto checker = cda::document_checker(profile, nullptr);
  auto entry = lot.entry("Document01");
  entry.type_code->code = "34133-9";
  const auto errors = checker(kCda1, entry, &lot.set(), "");
  BOOST_TEST_REQUIRE(!errors.empty());
  BOOST_TEST(errors.front().code == "X-2");
  BOOST_TEST(errors.front().location == "/ClinicalDocument/code");
  BOOST_TEST(errors.front().message.find("34133-9") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
