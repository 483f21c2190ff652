#define BOOST_TEST_MODULE datatypes
#include "passerelle/registry/datatypes.hpp"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace {

namespace dt = passerelle::registry::datatypes;
using Check = std::string (*)(std::string_view);

void expect_valid(Check check, const std::vector<std::string>& values) {
  for (const auto& value : values) {
    BOOST_TEST_CONTEXT("value '" << value << "'") { BOOST_TEST(check(value) == ""); }
  }
}

// Each invalid value with a fragment the reason must contain.
void expect_invalid(Check check, const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [value, fragment] : cases) {
    BOOST_TEST_CONTEXT("value '" << value << "'") {
      const std::string reason = check(value);
      BOOST_TEST(!reason.empty());
      BOOST_TEST(reason.find(fragment) != std::string::npos,
                 "reason '" << reason << "' lacks '" << fragment << "'");
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(oid) {
  expect_valid(dt::check_oid, {"1.2.3", "0.0", "2.16.840.1.113883.6.1", "1.2.250.1.213.1.4.10",
                               "2.999.0.10", std::string("1.2.") + std::string(60, '1')});
  expect_invalid(dt::check_oid, {{"", "empty"},
                                 {"1", "two arcs"},
                                 {"1.02.3", "leading zero"},
                                 {"1.2.03", "leading zero"},
                                 {"3.1", "first OID arc"},
                                 {"10.1", "first OID arc"},
                                 {"1.40", "second OID arc"},
                                 {"1..2", "empty OID arc"},
                                 {"1.2.", "empty OID arc"},
                                 {".1.2", "empty OID arc"},
                                 {"1.2.a", "decimal"},
                                 {"1.2.-3", "decimal"},
                                 {" 1.2", "decimal"},
                                 {std::string("1.2.") + std::string(61, '1'), "64"}});
}

BOOST_AUTO_TEST_CASE(cx_patient_id) {
  expect_valid(dt::check_cx, {"pid1^^^&1.2.3.4.5.6&ISO", "89765a87b^^^&1.3.4.5&ISO",
                              "248039263001064^^^&1.2.250.1.213.1.4.10&ISO^NH"});
  expect_invalid(dt::check_cx, {{"", "id^^^&OID&ISO"},
                                {"pid1", "id^^^&OID&ISO"},
                                {"^^^&1.2.3&ISO", "component 1"},
                                {"pid1^x^^&1.2.3&ISO", "components 2 and 3"},
                                {"pid1^^^1.2.3", "&OID&ISO"},
                                {"pid1^^^&1.2.3&DNS", "ISO"},
                                {"pid1^^^&1.02.3&ISO", "leading zero"},
                                {"pid1^^^ns&1.2.3&ISO", "namespace"},
                                {"pid1^^^&1.2.3&ISO^NH^x", "components 1 and 4"},
                                {"pi&d1^^^&1.2.3&ISO", "separator"}});
  const auto parsed = dt::parse_patient_id("pid1^^^&1.2.3.4&ISO");
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->id == "pid1");
  BOOST_TEST(parsed->authority_oid == "1.2.3.4");
  BOOST_TEST(!dt::parse_patient_id("pid1^^^&1.2.3.4").has_value());
}

BOOST_AUTO_TEST_CASE(cxi_reference_id) {
  expect_valid(dt::check_cxi, {"2013001^^^&1.2.3.4.5.6&ISO^urn:ihe:iti:xds:2013:accession",
                               "20061223^^^&1.2.5643.2&ISO^urn:ihe:iti:xds:2013:uniqueId",
                               "ord-1^^^^urn:ihe:iti:xds:2013:order",
                               "a^^^&1.2.3&ISO^urn:ihe:iti:xds:2013:uniqueId^^urn:oid:1.2.3"});
  expect_invalid(dt::check_cxi, {{"", "component 1"},
                                 {"2013001^^^&1.2.3&ISO", "component 5"},
                                 {"x^y^^&1.2.3&ISO^t", "components 2 and 3"},
                                 {"x^^^&1.2.3&XX^t", "&OID&ISO"},
                                 {"x^^^&1.2.3&ISO^t^^a^b", "7 components"}});
}

BOOST_AUTO_TEST_CASE(xcn_person) {
  expect_valid(dt::check_xcn, {"^Dopplemeyer^Sherry^^^Dr^MD", "Sherry Dopplemeyer",
                               "801234567890^DUPONT^Jean^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS",
                               "11375^Welby^Marcus^^^Dr^MD^^&1.2.840.113619.6.197&ISO"});
  expect_invalid(dt::check_xcn, {{"", "empty"},
                                 {"^^Sherry", "family name"},
                                 {"123^Doe^John^^^^^^1.2.3", "&OID&ISO"},
                                 {"123^Doe^John^^^^^^&1.2.3&ISA", "ISO"},
                                 {"123^Doe^John^^^^^^&1.2.x&ISO", "OID"},
                                 {"^Doe^John^^^^^^&1.2.3&ISO", "without an id"},
                                 {"12&3^Doe", "contains '&'"},
                                 {"123^Doe~456^Roe", "'~'"}});
}

BOOST_AUTO_TEST_CASE(xon_organisation) {
  expect_valid(dt::check_xon, {"Cleveland Clinic", "Parma Community^^^^^^^^^1.2.3",
                               "Cleveland Clinic^^^^^&1.2.3&ISO^^^^CleveClin",
                               "Hopital X^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1750000001"});
  expect_invalid(dt::check_xon, {{"", "empty"},
                                 {"^^^^^&1.2.3&ISO^^^^X", "component 1"},
                                 {"Clinic^^^^^^^^^CleveClin", "must be an OID"},
                                 {"Clinic^^^^^1.2.3^^^^X", "&OID&ISO"},
                                 {"Clinic^^^^^&1.2.3&ISO", "without an identifier"},
                                 {"Clinic^x", "component 2"},
                                 {"Clinic^^^^^^^^^1.2.3^extra", "10 components"}});
}

BOOST_AUTO_TEST_CASE(xtn_telecom) {
  expect_valid(
      dt::check_xtn,
      {"^^Internet^john.doe@healthcare.example.org", "^WPN^NET^jean.dupont@hopital-test.mssante.fr",
       "^PRN^PH^^33^1^23456789", "^WPN^PH^^^^^^^^^+33123456789", "(216)555-1234"});
  expect_invalid(dt::check_xtn, {{"", "empty"},
                                 {"^^Internet", "e-mail address"},
                                 {"^^Internet^john.doe", "malformed"},
                                 {"^^Internet^@example.org", "malformed"},
                                 {"^^Internet^a@b@c", "malformed"},
                                 {"^^PH", "telephone number"},
                                 {"^^PH^^^^call me", "malformed"},
                                 {"^^Pigeon^^^^123", "unknown"}});
}

BOOST_AUTO_TEST_CASE(dtm) {
  expect_valid(dt::check_dtm, {"2004", "200412", "20041224", "2004122408", "200412240800",
                               "20041224080059", "20000229", "20240229", "19991231235959"});
  expect_invalid(dt::check_dtm, {{"", "YYYY"},
                                 {"200", "YYYY"},
                                 {"20041", "YYYY"},
                                 {"2004122408005", "YYYY"},
                                 {"200412240800590", "YYYY"},
                                 {"20041324", "month"},
                                 {"200400", "month"},
                                 {"20041200", "day"},
                                 {"20040431", "day"},
                                 {"20230229", "day"},
                                 {"19000229", "day"},
                                 {"2004122424", "hour"},
                                 {"200412242360", "minute"},
                                 {"20041224235960", "second"},
                                 {"2004-12-24", "digits"},
                                 {"20041224080000+0100", "YYYY"},
                                 {"2004122408000Z", "digits"}});
}

BOOST_AUTO_TEST_CASE(uuid_urn) {
  expect_valid(dt::check_uuid_urn, {"urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1",
                                    "urn:uuid:7EDCA82F-054D-47F2-A032-9B2A5B5186C1"});
  expect_invalid(dt::check_uuid_urn,
                 {{"7edca82f-054d-47f2-a032-9b2a5b5186c1", "urn:uuid:"},
                  {"urn:uuid:7edca82f054d-47f2-a032-9b2a5b5186c1a", "8-4-4-4-12"},
                  {"urn:uuid:7edca82g-054d-47f2-a032-9b2a5b5186c1", "hex"},
                  {"urn:oid:7edca82f-054d-47f2-a032-9b2a5b5186c1", "urn:uuid:"},
                  {"Document01", "urn:uuid:"}});
}

BOOST_AUTO_TEST_CASE(unique_id) {
  expect_valid(dt::check_unique_id,
               {"1.2.3.4", "1.2.250.1.999.1^20240101123456", "1.2.3^" + std::string(16, 'a')});
  expect_invalid(dt::check_unique_id, {{"", "empty"},
                                       {"1.2.03", "leading zero"},
                                       {"abc", "uniqueId root"},
                                       {"1.2.3^", "empty"},
                                       {"1.2.3^" + std::string(17, 'a'), "16"},
                                       {"1.2.3^a^b", "separator"},
                                       {"1.2.3^a b", "separator"}});
}

BOOST_AUTO_TEST_CASE(language_tag) {
  expect_valid(dt::check_language_tag,
               {"fr-FR", "en", "art", "en-us", "en-GB", "zh-Hant-TW", "es-419", "sl-rozaj",
                "de-CH-1901", "zh-yue", "en-a-bbb-x-ccc", "x-private", "fr-x-dmp"});
  expect_invalid(dt::check_language_tag, {{"", "empty"},
                                          {"f", "primary language"},
                                          {"fr_FR", "1 to 8"},
                                          {"fr-", "1 to 8"},
                                          {"fr-FR-", "1 to 8"},
                                          {"12-FR", "primary language"},
                                          {"toolongtag", "1 to 8"},
                                          {"fr-FR-a", "extension"},
                                          {"en-x", "private use"},
                                          {"fr-FR-US", "unexpected"}});
}

BOOST_AUTO_TEST_CASE(sha1_hex) {
  expect_valid(dt::check_sha1_hex, {"da39a3ee5e6b4b0d3255bfef95601890afd80709",
                                    "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"});
  expect_invalid(dt::check_sha1_hex, {{"", "40"},
                                      {"da39a3ee5e6b4b0d3255bfef95601890afd8070", "40"},
                                      {"da39a3ee5e6b4b0d3255bfef95601890afd807090", "40"},
                                      {"za39a3ee5e6b4b0d3255bfef95601890afd80709", "hex"}});
}

BOOST_AUTO_TEST_CASE(size) {
  expect_valid(dt::check_size, {"0", "36", "18446744073709551615"});
  expect_invalid(dt::check_size, {{"", "empty"},
                                  {"-1", "non-negative"},
                                  {"1.5", "decimal"},
                                  {" 36", "decimal"},
                                  {"0x10", "decimal"},
                                  {"18446744073709551616", "too large"}});
}

BOOST_AUTO_TEST_CASE(mime_type) {
  expect_valid(dt::check_mime_type, {"text/plain", "application/pdf", "text/xml",
                                     "application/hl7-v3+xml", "application/vnd.ms-excel"});
  expect_invalid(dt::check_mime_type, {{"", "type/subtype"},
                                       {"text", "type/subtype"},
                                       {"text/", "RFC 6838"},
                                       {"/plain", "RFC 6838"},
                                       {"text/plain; charset=UTF-8", "RFC 6838"},
                                       {"text/pl ain", "RFC 6838"}});
}
