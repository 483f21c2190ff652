#define BOOST_TEST_MODULE cda_rules
// Header rules by section on the hand-written fixtures
// tests/fixtures/cda/minimal-n3.xml and minimal-n1.xml: each case applies one
// textual change and checks that exactly the expected rule reports it. The
// corpus and the committed mutations are in integration/cda_corpus_test.cpp.

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "passerelle/cda/clinical_document.hpp"
#include "passerelle/cda/validator.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"

namespace cda = passerelle::cda;
namespace xml = passerelle::xml;
using passerelle::Severity;

namespace {

struct Global {
  xml::Runtime runtime;
  std::unique_ptr<cda::Validator> validator = std::make_unique<cda::Validator>();
  ~Global() { validator.reset(); }  // before the Runtime goes
};
Global* global = nullptr;
struct GlobalFixture {
  GlobalFixture() { global = new Global; }
  ~GlobalFixture() { delete global; }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalFixture);

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PASSERELLE_SOURCE_DIR) + "/tests/fixtures/cda/" + name,
                   std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "missing fixture " << name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const std::string& n3() {
  static const std::string text = fixture("minimal-n3.xml");
  return text;
}
const std::string& n1() {
  static const std::string text = fixture("minimal-n1.xml");
  return text;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "fixture lacks: " << from);
  return text.replace(at, from.size(), to);
}

std::set<std::string> rules(const std::vector<cda::Finding>& findings, Severity severity,
                            bool with_xsd = false) {
  std::set<std::string> out;
  for (const auto& f : findings) {
    if (f.severity == severity && (with_xsd || f.rule_id != "XSD")) out.insert(f.rule_id);
  }
  return out;
}

std::string dump(const std::vector<cda::Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += "\n  " + std::string(passerelle::to_string(f.severity)) + " " + f.rule_id + " " +
           f.location + ": " + f.message;
  }
  return out;
}

// The document has errors for exactly `rule` (schema findings aside).
void expect_error(const std::string& document, const std::string& rule) {
  const auto findings = global->validator->validate(document);
  BOOST_TEST((rules(findings, Severity::Error) == std::set<std::string>{rule}),
             "expected only " << rule << ", got:" << dump(findings));
}

void expect_warning_only(const std::string& document, const std::string& rule) {
  const auto findings = global->validator->validate(document);
  BOOST_TEST(rules(findings, Severity::Error).empty(), "unexpected errors:" << dump(findings));
  BOOST_TEST(rules(findings, Severity::Warning).count(rule) == 1u,
             "expected warning " << rule << ", got:" << dump(findings));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fixtures)

BOOST_AUTO_TEST_CASE(minimal_documents_are_valid_with_schema) {
  for (const auto* doc : {&n3(), &n1()}) {
    const auto findings = global->validator->validate(*doc);
    BOOST_TEST(findings.empty(), dump(findings));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(envelope)

BOOST_AUTO_TEST_CASE(malformed_xml_and_doctype_are_one_xml_finding) {
  auto findings = global->validator->validate("<ClinicalDocument");
  BOOST_TEST((rules(findings, Severity::Error, true) == std::set<std::string>{"XML"}));
  findings = global->validator->validate(
      "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ClinicalDocument/>");
  BOOST_TEST((rules(findings, Severity::Error, true) == std::set<std::string>{"XML"}));
}

// Validator::validate reads the bytes once, through a validating DOM parse
// (cda/src/schema_dom.cpp): the tree handed on must be the document as
// written (no schema default attributes), holding the header and the body
// down to its sections, and the parse keeps xml::parse's walls.
BOOST_AUTO_TEST_CASE(the_one_validating_parse_hands_on_the_header_as_written) {
  bool visited = false;
  const auto findings = global->validator->validate(n3(), [&](const xercesc::DOMElement& doc) {
    visited = true;
    // The schema gives ClinicalDocument a fixed classCode and moodCode; n3 has neither.
    BOOST_TEST(doc.getAttributeNode(u"classCode") == nullptr);
    BOOST_TEST(doc.getAttributeNode(u"moodCode") == nullptr);
    BOOST_TEST(xml::first_child_element(doc, cda::kHl7Namespace, "recordTarget") != nullptr);
    const auto* component = xml::first_child_element(doc, cda::kHl7Namespace, "component");
    BOOST_TEST_REQUIRE(component != nullptr);
    const auto* body = xml::first_child_element(*component, cda::kHl7Namespace, "structuredBody");
    BOOST_TEST_REQUIRE(body != nullptr);
    const auto* inner = xml::first_child_element(*body, cda::kHl7Namespace, "component");
    BOOST_TEST_REQUIRE(inner != nullptr);
    const auto* section = xml::first_child_element(*inner, cda::kHl7Namespace, "section");
    BOOST_TEST_REQUIRE(section != nullptr);
    BOOST_TEST(section->getFirstChild() == nullptr);  // validated, not built
  });
  BOOST_TEST(visited);
  BOOST_TEST(findings.empty(), dump(findings));
}

BOOST_AUTO_TEST_CASE(the_one_validating_parse_keeps_the_xml_limits) {
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "<a>";
  for (int i = 0; i < 300; ++i) deep += "</a>";
  const auto findings = global->validator->validate(deep);
  BOOST_TEST_REQUIRE(findings.size() == 1u, dump(findings));
  BOOST_TEST(findings[0].rule_id == "XML");
  BOOST_TEST(findings[0].message.find("XmlLimitExceeded") != std::string::npos,
             findings[0].message);
  // Schema errors inside a section are still found although it is not built.
  const auto section_error =
      global->validator->validate(replace(n3(), "<section>", "<section><bogus/>"));
  BOOST_TEST((rules(section_error, Severity::Error, true) == std::set<std::string>{"XSD"}),
             dump(section_error));
}

// Without a DocumentVisitor the rules read the header tree the validating
// parse builds (cda/src/tree.hpp) and no DOM is made; with one, the DOM is
// built too. Both must give the same findings, in the same order, with the
// same locations, on every committed mutation and on the envelopes.
BOOST_AUTO_TEST_CASE(findings_are_the_same_with_and_without_the_dom) {
  std::vector<std::string> documents{n3(), n1()};
  const std::string body = n3().substr(n3().find("<ClinicalDocument"));
  documents.push_back("<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:Object>" +
                      replace(body, "<title>Mesures</title>", "<title/>") +
                      "</ds:Object></ds:Signature>");
  const std::filesystem::path mutations =
      std::filesystem::path(PASSERELLE_SOURCE_DIR) / "tests/fixtures/cda/mutations";
  for (const auto& entry : std::filesystem::directory_iterator(mutations)) {
    if (entry.path().extension() == ".xml") {
      documents.push_back(fixture("mutations/" + entry.path().filename().string()));
    }
  }
  BOOST_TEST(documents.size() > 40u);
  std::size_t with_findings = 0;
  for (const auto& doc : documents) {
    bool visited = false;
    const auto plain = global->validator->validate(doc);
    const auto with_dom =
        global->validator->validate(doc, [&](const xercesc::DOMElement&) { visited = true; });
    BOOST_TEST(visited);
    BOOST_TEST(plain == with_dom, "without the DOM:" << dump(plain) << "\nwith:" << dump(with_dom));
    with_findings += plain.empty() ? 0 : 1;
  }
  BOOST_TEST(with_findings >= documents.size() - 2);  // the mutations and the envelope
}

// The mixed-content checks look at text nodes, not CDATA sections (as they
// did on the DOM); text content includes both.
BOOST_AUTO_TEST_CASE(cdata_counts_as_text_content_not_as_a_text_node) {
  const auto cdata_name =
      replace(n3(), "<assignedPerson><name><family>MARTIN</family><given>Paul</given></name>",
              "<assignedPerson><name><![CDATA[MARTIN Paul]]></name>");
  for (const bool with_dom : {false, true}) {
    const auto findings =
        with_dom ? global->validator->validate(cdata_name, [](const xercesc::DOMElement&) {})
                 : global->validator->validate(cdata_name);
    BOOST_TEST((rules(findings, Severity::Error, true) == std::set<std::string>{"R-CDA-52"}),
               dump(findings));
    BOOST_TEST(dump(findings).find("empty name") != std::string::npos, dump(findings));
  }
  const auto cdata_title =
      replace(n3(), "<title>Mesures</title>", "<title><![CDATA[Mesures]]></title>");
  const auto findings = global->validator->validate(cdata_title);
  BOOST_TEST(findings.empty(), dump(findings));
}

BOOST_AUTO_TEST_CASE(empty_elements_do_not_lift_the_depth_limit) {
  std::string deep = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">";
  for (int i = 0; i < 300; ++i) deep += "<a><e/>";
  for (int i = 0; i < 300; ++i) deep += "</a>";
  deep += "</ClinicalDocument>";
  for (const bool with_dom : {false, true}) {
    const auto findings = with_dom
                              ? global->validator->validate(deep, [](const xercesc::DOMElement&) {})
                              : global->validator->validate(deep);
    BOOST_TEST_REQUIRE(findings.size() == 1u, dump(findings));
    BOOST_TEST(findings[0].message.find("XmlLimitExceeded") != std::string::npos,
               findings[0].message);
  }
}

BOOST_AUTO_TEST_CASE(unknown_root_is_not_located) {
  const auto findings = global->validator->validate("<foo xmlns=\"urn:x\"/>");
  BOOST_TEST((rules(findings, Severity::Error, true) == std::set<std::string>{"R-CDA-LOCATE"}));
}

BOOST_AUTO_TEST_CASE(signature_and_stylesheet_wrappers_are_unwrapped) {
  const std::string body = n3().substr(n3().find("<ClinicalDocument"));
  const std::string signed_doc =
      "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:Object>" + body +
      "</ds:Object></ds:Signature>";
  const std::string styled =
      "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">"
      "<xsl:template match=\"/\"><html>" +
      body + "</html></xsl:template></xsl:stylesheet>";
  for (const auto& doc : {signed_doc, styled}) {
    const auto findings = global->validator->validate(doc);
    BOOST_TEST(findings.empty(), dump(findings));
    const auto parsed = xml::parse(doc);
    auto located = cda::locate_clinical_document(parsed.root());
    BOOST_REQUIRE(std::holds_alternative<cda::LocatedDocument>(located));
    BOOST_TEST(xml::local_name(*std::get<cda::LocatedDocument>(located).element) ==
               "ClinicalDocument");
  }
  // The extracted subtree is schema-validated too.
  const auto findings = global->validator->validate(replace(styled, "<title>", "<title x=\"1\">"));
  BOOST_TEST(rules(findings, Severity::Error, true).count("XSD") == 1u, dump(findings));
}

BOOST_AUTO_TEST_CASE(schema_hints_are_never_followed) {
  // A remote or local xsi:schemaLocation is ignored: the shipped grammar decides.
  const auto doc = replace(n3(), "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
                           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                           "xsi:schemaLocation=\"urn:hl7-org:v3 http://evil.example/x.xsd\"");
  const auto findings = global->validator->validate(doc);
  BOOST_TEST(findings.empty(), dump(findings));
}

BOOST_AUTO_TEST_CASE(schema_errors_are_reported) {
  const auto findings =
      global->validator->validate(replace(n3(), "<title>Mesures</title>", "<titre>x</titre>"));
  BOOST_TEST(rules(findings, Severity::Error, true).count("XSD") == 1u, dump(findings));
}

BOOST_AUTO_TEST_CASE(concurrent_validation_gives_the_same_answers) {
  const auto bad = replace(n3(), "<title>Mesures</title>", "<title a=\"1\">Mesures</title>");
  const auto expected_bad = global->validator->validate(bad);
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        if (!global->validator->validate(n3()).empty()) ++failures[t];
        if (global->validator->validate(bad) != expected_bad) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int f : failures) BOOST_TEST(f == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(document_section)  // R-CDA-1..13

BOOST_AUTO_TEST_CASE(rules_1_to_13) {
  expect_error(replace(n3(), "<ClinicalDocument ", "<ClinicalDocument moodCode=\"INT\" "),
               "R-CDA-1");
  expect_error(replace(n3(), "<realmCode code=\"FR\"/>", ""), "R-CDA-2");
  expect_error(replace(n3(), "root=\"2.16.840.1.113883.1.3\"", "root=\"2.16.840.1.113883.1.4\""),
               "R-CDA-3");
  expect_error(replace(n3(), "<templateId root=\"2.16.840.1.113883.2.8.2.1\"/>", ""), "R-CDA-4");
  expect_error(replace(n1(), "<templateId root=\"1.3.6.1.4.1.19376.1.2.20\"/>",
                       "<templateId root=\"1.2.250.1.213.1.1.1.5\"/>"),
               "R-CDA-5");
  expect_error(replace(n3(), "<id root=\"1.2.250.1.999.1.1\"/>", "<id nullFlavor=\"UNK\"/>"),
               "R-CDA-6");
  expect_error(replace(n3(), " displayName=\"Mesures de signes vitaux\"", ""), "R-CDA-7");
  expect_error(replace(n3(), "codeSystem=\"2.16.840.1.113883.6.1\"",
                       "codeSystem=\"2.16.840.1.113883.6.96\""),
               "R-CDA-7");
  expect_error(
      replace(n3(), "<title>Mesures</title>", "<title mediaType=\"text/html\">Mesures</title>"),
      "R-CDA-8");
  expect_error(replace(n3(), "<effectiveTime value=\"20240105101500+0100\"/>", ""), "R-CDA-9");
  expect_warning_only(replace(n3(), "<effectiveTime value=\"20240105101500+0100\"/>",
                              "<effectiveTime value=\"20240105\"/>"),
                      "R-CDA-9");
  expect_error(replace(n3(), "code=\"N\" displayName=\"Normal\"", "code=\"X\" displayName=\"?\""),
               "R-CDA-10");
  expect_error(replace(n3(), "code=\"fr-FR\"", "code=\"xfr-FRx\""), "R-CDA-11");
  expect_error(replace(n3(), "<setId root=\"1.2.250.1.999.1.2\"/>", ""), "R-CDA-12");
  expect_error(replace(n3(), "<versionNumber value=\"1\"/>", "<versionNumber value=\"1.5\"/>"),
               "R-CDA-13");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(record_target_section)  // R-CDA-14..20

BOOST_AUTO_TEST_CASE(rules_14_to_20) {
  expect_error(replace(n3(), "<patient>", "<patient nullFlavor=\"UNK\">"), "R-CDA-14");
  expect_warning_only(
      replace(n3(), "<telecom value=\"tel:0102030405\" use=\"H\"/>",
              "<telecom value=\"tel:0102030405\" use=\"H\"/><providerOrganization/>"),
      "R-CDA-54");
  expect_error(replace(n3(), "<addr use=\"H\">", "<id root=\"1.2.3.4\"/><addr use=\"H\">"),
               "R-CDA-15");
  expect_error(replace(n3(), "<given qualifier=\"BR\">Anne</given>", ""), "R-CDA-16");
  // Without an INS the same document is fine.
  const auto no_ins =
      replace(n3(), "root=\"1.2.250.1.213.1.4.10\"", "root=\"1.2.250.1.213.1.4.13\"");
  BOOST_TEST(rules(global->validator->validate(
                       replace(no_ins, "<given qualifier=\"BR\">Anne</given>", "")),
                   Severity::Error)
                 .empty());
  expect_error(replace(no_ins, "<family qualifier=\"BR\">", "<family>"), "R-CDA-17");
  expect_warning_only(replace(n3(), "</given>\n", "</given><family qualifier=\"SP\">X</family>\n"),
                      "R-CDA-17");
  expect_error(
      replace(n3(), "codeSystem=\"2.16.840.1.113883.5.1\"", "codeSystem=\"2.16.840.1.113883.5.2\""),
      "R-CDA-18");
  expect_error(replace(replace(no_ins, "<birthTime value=\"19790328\"/>", ""), "", ""), "R-CDA-19");
  expect_error(replace(n3(), "<birthplace>",
                       "<guardian><guardianPerson><name><family>A</family></name></guardianPerson>"
                       "<guardianOrganization/></guardian><birthplace>"),
               "R-CDA-20");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(author_section)  // R-CDA-21..24

BOOST_AUTO_TEST_CASE(rules_21_to_24) {
  expect_error(
      replace(n3(), "<assignedAuthor>",
              "<functionCode code=\"XYZ\" codeSystem=\"2.16.840.1.113883.5.88\"/><assignedAuthor>"),
      "R-CDA-21");
  expect_error(
      replace(n3(), "<id root=\"1.2.250.1.71.4.2.1\" extension=\"801234567897\"/>\n      <code",
              "<id root=\"1.2.250.1.71.4.2.1\"/>\n      <code"),
      "R-CDA-22");
  expect_error(replace(n3(), "</assignedPerson>\n      <representedOrganization>",
                       "</assignedPerson><assignedAuthoringDevice><softwareName>S</softwareName>"
                       "</assignedAuthoringDevice>\n      <representedOrganization>"),
               "R-CDA-23");
  expect_error(replace(n3(), "<name>Cabinet</name>\n      </representedOrganization>",
                       "<name>Cabinet</name><name>Bis</name>\n      </representedOrganization>"),
               "R-CDA-24");
  expect_warning_only(
      replace(n3(), "<name>Cabinet</name>\n      </representedOrganization>",
              "<name>Cabinet</name><standardIndustryClassCode code=\"X\" "
              "codeSystem=\"1.2.3\" displayName=\"x\"/>\n      </representedOrganization>"),
      "R-CDA-24");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(custodian_and_authenticator_sections)  // R-CDA-25..28

BOOST_AUTO_TEST_CASE(rules_25_to_28) {
  expect_error(
      replace(n3(), "<name>Cabinet</name>\n      </representedCustodianOrganization>",
              "<name>Cabinet</name><name>Bis</name>\n      </representedCustodianOrganization>"),
      "R-CDA-25");
  expect_error(replace(n3(), "<signatureCode code=\"S\"/>", ""), "R-CDA-26");
  expect_error(
      replace(n3(),
              "<assignedPerson><name><family>MARTIN</family><given>Paul</given></name></"
              "assignedPerson>",
              "<code code=\"NOPE\" codeSystem=\"1.2.250.1.213.1.1.4.5\" displayName=\"x\"/>"),
      "R-CDA-27");
  expect_error(replace(n3(), "</legalAuthenticator>",
                       "</legalAuthenticator><authenticator><time value=\"20240105\"/>"
                       "<assignedEntity><id root=\"1.2.250.1.71.4.2.1\" extension=\"1\"/>"
                       "</assignedEntity></authenticator>"),
               "R-CDA-28");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(participant_sections)  // R-CDA-29..31

BOOST_AUTO_TEST_CASE(rules_29_to_31) {
  const std::string participant =
      "<participant typeCode=\"REF\"><time nullFlavor=\"UNK\"/><associatedEntity "
      "classCode=\"PROV\">"
      "<id root=\"1.2.250.1.71.4.2.1\" extension=\"1\"/></associatedEntity></participant>";
  BOOST_TEST(global->validator
                 ->validate(replace(n3(), "<documentationOf>", participant + "<documentationOf>"))
                 .empty());
  expect_error(replace(n3(), "<documentationOf>",
                       replace(participant, "classCode=\"PROV\"", "classCode=\"ECON\"") +
                           "<documentationOf>"),
               "R-CDA-29");
  expect_error(
      replace(n3(), "<custodian>",
              "<informant><relatedEntity classCode=\"NOK\"><relatedPerson><name><family>A</family>"
              "</name></relatedPerson></relatedEntity><assignedEntity><id nullFlavor=\"UNK\"/>"
              "</assignedEntity></informant><custodian>"),
      "R-CDA-30");
  expect_error(
      replace(n3(), "</legalAuthenticator>",
              "</legalAuthenticator><informationRecipient><intendedRecipient>"
              "<id root=\"1.2.250.1.71.4.2.1\"/></intendedRecipient></informationRecipient>"),
      "R-CDA-31");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(documentation_sections)  // R-CDA-32..38

BOOST_AUTO_TEST_CASE(rules_32_to_38) {
  expect_error(replace(n3(), "<documentationOf>", "<inFulfillmentOf/><documentationOf>"),
               "R-CDA-32");
  expect_error(replace(n3(), "<documentationOf>", "<documentationOf nullFlavor=\"NA\">"),
               "R-CDA-33");
  expect_error(replace(n3(), "<serviceEvent>",
                       "<serviceEvent><code nullFlavor=\"UNK\"/><code nullFlavor=\"UNK\"/>"),
               "R-CDA-34");
  expect_error(replace(n3(), "<low value=\"20240105101500+0100\"/></effectiveTime>",
                       "<low value=\"20240105101500+0100\"/><high value=\"20240105\"/>"
                       "<high value=\"20240106\"/></effectiveTime>"),
               "R-CDA-35");
  expect_error(replace(n3(), "<standardIndustryClassCode code=\"AMBULATOIRE\"",
                       "<standardIndustryClassCode code=\"SA07\""),
               "R-CDA-36");
  expect_error(
      replace(
          n3(), "<componentOf>",
          "<relatedDocument typeCode=\"RPLC\"><parentDocument><id root=\"1.2.3\"/>"
          "</parentDocument></relatedDocument><relatedDocument typeCode=\"RPLC\">"
          "<parentDocument><id root=\"1.2.4\"/></parentDocument></relatedDocument><componentOf>"),
      "R-CDA-37");
  expect_warning_only(
      replace(n3(), "<componentOf>",
              "<relatedDocument typeCode=\"APND\"><parentDocument><id root=\"1.2.3\"/>"
              "</parentDocument></relatedDocument><componentOf>"),
      "R-CDA-37");
  expect_error(
      replace(n3(), "<componentOf>", "<authorization><consent/></authorization><componentOf>"),
      "R-CDA-38");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(encounter_section)  // R-CDA-39..43

BOOST_AUTO_TEST_CASE(rules_39_to_43) {
  expect_error(replace(n3(), "<componentOf>", "<componentOf nullFlavor=\"NI\">"), "R-CDA-39");
  expect_error(replace(n3(), "<effectiveTime><low value=\"20240105100000+0100\"/>",
                       "<effectiveTime><low value=\"20240105100000+0100\"/><low value=\"2024\"/>"),
               "R-CDA-40");
  expect_error(
      replace(n3(), "<encompassingEncounter>", "<encompassingEncounter><id extension=\"1\"/>"),
      "R-CDA-41");
  expect_error(replace(n3(), "<location>\n",
                       "<responsibleParty><assignedEntity><id root=\"1.2.3\" extension=\"1\"/>"
                       "</assignedEntity></responsibleParty><location>\n"),
               "R-CDA-42");
  expect_error(replace(n3(), "displayName=\"Cabinet individuel\" ", ""), "R-CDA-43");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(body_section)  // R-CDA-44..46, R-DOC-1

BOOST_AUTO_TEST_CASE(rules_44_to_46) {
  expect_error(replace(n3(), "<structuredBody>", "<nonXMLBody/><structuredBody>"), "R-CDA-44");
  expect_error(replace(n1(), "representation=\"B64\">", "representation=\"B64\">@@@"), "R-CDA-45");
  expect_error(replace(n1(), "representation=\"B64\"", "representation=\"TXT\""), "R-CDA-45");
  expect_warning_only(replace(n1(), "application/pdf", "text/rtf"), "R-CDA-45");
  std::string empty_body = n3();
  const auto body = empty_body.find("<structuredBody>") + 16;
  empty_body.replace(body, empty_body.find("</structuredBody>") - body, "<component/>");
  expect_error(empty_body, "R-CDA-46");
}

BOOST_AUTO_TEST_CASE(plain_text_must_be_utf8) {
  // "Bonjour é" in UTF-8 then in Latin-1.
  std::string doc = replace(n1(), "application/pdf", "text/plain");
  const auto start = doc.find("representation=\"B64\">") + 21;
  const auto end = doc.find("</text>", start);
  const std::string utf8_doc = std::string(doc).replace(start, end - start, "Qm9uam91ciDDqQ==");
  BOOST_TEST(global->validator->validate(utf8_doc).empty());
  expect_warning_only(std::string(doc).replace(start, end - start, "Qm9uam91ciDp"), "R-CDA-45");
}

BOOST_AUTO_TEST_CASE(attachments_over_5_mb_are_refused) {
  std::string doc = n1();
  const auto start = doc.find("representation=\"B64\">") + 21;
  const auto end = doc.find("</text>", start);
  // "%PDF-" + padding: 5 MB + 3 bytes once decoded.
  std::string payload = "JVBERi0t";  // "%PDF--"
  payload.append((5u * 1024u * 1024u - 3u) / 3u * 4u + 4u, 'A');
  const auto findings = global->validator->validate(doc.replace(start, end - start, payload));
  BOOST_TEST((rules(findings, Severity::Error) == std::set<std::string>{"R-DOC-1"}),
             dump(findings));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(datatypes)  // R-CDA-47..53

BOOST_AUTO_TEST_CASE(rules_47_to_53) {
  expect_error(replace(n3(), "<birthTime value=\"19790328\"/>", "<birthTime value=\"19790230\"/>"),
               "R-CDA-47");
  expect_error(replace(n3(), "<high value=\"20240105101500+0100\"/>",
                       "<high value=\"20240105090000+0100\"/>"),
               "R-CDA-47");
  expect_warning_only(
      replace(n3(), "<birthTime value=\"19790328\"/>", "<birthTime value=\"197903281200+100\"/>"),
      "R-CDA-47");
  expect_error(replace(n3(), "<setId root=\"1.2.250.1.999.1.2\"/>", "<setId root=\"abc\"/>"),
               "R-CDA-48");
  expect_error(replace(n3(), "<templateId root=\"1.2.250.1.213.1.1.1.1\"/>",
                       "<templateId root=\"1.2.250.1.213.1.1.1.1\"/><templateId "
                       "root=\"1.2.250.1.213.1.1.1.5.4\" "
                       "extension=\"2023.01\"/>"),
               "R-CDA-48");
  expect_error(replace(n3(), "<signatureCode code=\"S\"/>",
                       "<signatureCode code=\"S\" codeSystem=\"2.16.840.1.113883.5.89\"/>"),
               "R-CDA-49");
  expect_error(replace(n3(), "<addr use=\"H\">", "<addr use=\"XX\">"), "R-CDA-50");
  expect_warning_only(
      replace(n3(), "<streetAddressLine>1 rue de la Paix</streetAddressLine>",
              "<streetAddressLine>1 rue de la Paix</streetAddressLine><city>Paris</city>"),
      "R-CDA-50");
  expect_error(replace(n3(), "<telecom value=\"tel:0102030405\" use=\"H\"/>",
                       "<telecom value=\"tel:0102030405\" nullFlavor=\"UNK\"/>"),
               "R-CDA-51");
  expect_error(replace(n3(), "<prefix>M</prefix>", "<prefix> M</prefix>"), "R-CDA-52");
  expect_error(replace(n3(), "<suffix>DR</suffix>", "<suffix>DR</suffix><suffix>PR</suffix>"),
               "R-CDA-52");
  expect_error(replace(n3(),
                       "<id root=\"1.2.250.1.71.4.2.1\" extension=\"801234567897\"/>\n          "
                       "<representedOrganization>",
                       "<id root=\"1.2.250.1.71.4.2.1\" extension=\"801234567897\"/>\n          "
                       "<representedOrganization><id root=\"1.2.250.1.71.4.2.2\"/>"),
               "R-CDA-53");
}

BOOST_AUTO_TEST_CASE(closed_template_is_a_warning) {
  expect_warning_only(replace(n3(), "<recordTarget>", "<copyTime value=\"2024\"/><recordTarget>"),
                      "R-CDA-54");
}

BOOST_AUTO_TEST_SUITE_END()
