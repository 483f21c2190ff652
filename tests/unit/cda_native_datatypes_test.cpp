#define BOOST_TEST_MODULE cda_native_datatypes
#include <boost/test/unit_test.hpp>

// Issue 8: the shipped cda/schemas/general/datatypes-base.xsd writes the HL7
// type uid as one restriction with three patterns where ANS and HL7 publish a
// union of oid, uuid and ruid (cda/schemas/README.md says why). This test
// compiles both next to each other, from the shipped files, and checks that
// they accept exactly the same strings.
//
// The validator then checks the patterns of uid, cs and ts natively
// (cda/src/native_datatypes.hpp), not by Xerces-C's regular expressions: each
// is compared with a copy of the shipped type under another name, which
// Xerces-C checks itself; both must give the same verdicts and messages.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/core/xml.hpp"
#include "schema.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace passerelle;

// The shipped schemas, with an entry schema declaring elements whose
// attribute has the shipped uid (checked natively), uid as published, a copy
// of the shipped uid (checked by Xerces-C), the shipped cs and a copy of it.
struct TwoUids {
  testing::TempDir dir{"passerelle-uid"};
  std::unique_ptr<cda::detail::SchemaValidator> schema;

  TwoUids() {
    fs::copy(fs::path(PASSERELLE_SOURCE_DIR) / "cda" / "schemas", dir.path(),
             fs::copy_options::recursive);
    std::ofstream(dir.path() / cda::detail::kEntrySchema)
        << R"(<xs:schema targetNamespace="urn:hl7-org:v3" xmlns="urn:hl7-org:v3"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:include schemaLocation="POCD_MT000040_extended_pharmacy.xsd"/>
  <xs:simpleType name="uid_as_published">
    <xs:union memberTypes="oid uuid ruid"/>
  </xs:simpleType>
  <xs:simpleType name="uid_by_xerces">
    <xs:restriction base="xs:string">
      <xs:whiteSpace value="collapse"/>
      <xs:pattern value="[0-2](\.(0|[1-9][0-9]*))*"/>
      <xs:pattern value="[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}"/>
      <xs:pattern value="[A-Za-z][A-Za-z0-9\-]*"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="cs_by_xerces">
    <xs:restriction base="xs:token">
      <xs:pattern value="[^\s]+"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="ts_by_xerces">
    <xs:restriction base="xs:string">
      <xs:pattern value="[0-9]{1,8}|([0-9]{9,14}|[0-9]{14,14}\.[0-9]+)([+\-][0-9]{1,4})?"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:element name="ts_native">
    <xs:complexType><xs:attribute name="v" type="ts" use="required"/></xs:complexType>
  </xs:element>
  <xs:element name="ts_regex">
    <xs:complexType><xs:attribute name="v" type="ts_by_xerces" use="required"/></xs:complexType>
  </xs:element>
  <xs:element name="cs_native">
    <xs:complexType><xs:attribute name="v" type="cs" use="required"/></xs:complexType>
  </xs:element>
  <xs:element name="cs_regex">
    <xs:complexType><xs:attribute name="v" type="cs_by_xerces" use="required"/></xs:complexType>
  </xs:element>
  <xs:element name="shipped">
    <xs:complexType><xs:attribute name="v" type="uid" use="required"/></xs:complexType>
  </xs:element>
  <xs:element name="published">
    <xs:complexType><xs:attribute name="v" type="uid_as_published" use="required"/></xs:complexType>
  </xs:element>
  <xs:element name="regexed">
    <xs:complexType><xs:attribute name="v" type="uid_by_xerces" use="required"/></xs:complexType>
  </xs:element>
</xs:schema>)";
    schema = std::make_unique<cda::detail::SchemaValidator>(dir.path());
  }

  std::vector<cda::Finding> findings(const std::string& element, const std::string& value) const {
    const std::string document =
        "<" + element + " xmlns=\"urn:hl7-org:v3\" v=\"" + xml::escape(value) + "\"/>";
    return schema->validate(document, "v");
  }
  bool accepts(const std::string& element, const std::string& value) const {
    return findings(element, value).empty();
  }
};

// The schemas are compiled once and go before the Runtime.
const TwoUids* shared_uids = nullptr;
struct Global {
  xml::Runtime runtime;
  std::optional<TwoUids> uids;
  Global() { shared_uids = &uids.emplace(); }
  ~Global() {
    shared_uids = nullptr;
    uids.reset();
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

const TwoUids& uids() { return *shared_uids; }

// The messages alone: the columns differ with the elements' names.
std::vector<std::string> messages(const std::vector<cda::Finding>& findings) {
  std::vector<std::string> texts;
  texts.reserve(findings.size());
  for (const auto& finding : findings) texts.push_back(finding.message);
  return texts;
}

void expect_same(const std::string& value) {
  const bool shipped = uids().accepts("shipped", value);
  BOOST_TEST(shipped == uids().accepts("published", value),
             "uid '" << value << "': shipped " << shipped << ", published "
                     << uids().accepts("published", value));
  // The native checks against Xerces-C's own, message for message.
  BOOST_TEST(
      messages(uids().findings("shipped", value)) == messages(uids().findings("regexed", value)),
      "uid '" << value << "': native and Xerces-C's check differ");
  BOOST_TEST(
      messages(uids().findings("cs_native", value)) == messages(uids().findings("cs_regex", value)),
      "cs '" << value << "': native and Xerces-C's check differ");
  BOOST_TEST(
      messages(uids().findings("ts_native", value)) == messages(uids().findings("ts_regex", value)),
      "ts '" << value << "': native and Xerces-C's check differ");
}

constexpr std::string_view kSamples[] = {
    // OIDs and near misses
    "0", "1", "2", "3", "1.0", "1.2.250.1.213.1.1.9",
    "2.25.329800735698586629295641978511506172918", "1.", ".1", "1..2", "01.2", "1.00", "1.01",
    "1.10", "1.2 ", " 1.2", "1 2", "1,2", "1.2.3a", "\t1.2\n", "1.2\r\n", "1.2.\xd9\xa3", "",
    // UUIDs (the pattern allows any letter) and near misses
    "E6D40CB0-8500-11EC-A8A3-0242AC120002", "cdbd5b08-6cde-11db-9fe1-0800200c9a66",
    "z2345678-1234-1234-1234-12345678901Z", "12345678-1234-1234-1234-12345678901",
    "12345678-1234-1234-1234-1234567890123", "12345678_1234-1234-1234-123456789012",
    "12345678-1234-1234-1234-12345678901\xc3\xa9",
    // timestamps and near misses
    "2020", "20201231", "202012312", "20201231235959", "202012312359599", "20201231235959.123+0100",
    "202012312359-05", "12345678+01", "20201231235959.", "20201231235959.1+", "2020123123595.1",
    "20201231235959.1+01234", "+0100", " 2020", "2020 ", "20201231235959-0", "2020\xd9\xa3",
    // ruids and near misses
    "A", "a-", "abc-DEF-123", "Ab1", "-a", "a_b", "a b", "1abc", "\xc3\xa9t\xc3\xa9"};

}  // namespace

BOOST_AUTO_TEST_CASE(the_samples_have_the_published_verdicts) {
  // Checks the two forms are not merely equal but right. Xerces-C collapses
  // the whitespace of a union's value before trying its members, so " 1.2 "
  // is a uid for it; the shipped form says so with whiteSpace="collapse".
  for (const char* good : {"1.2.250.1.213.1.1.9", "0", "E6D40CB0-8500-11EC-A8A3-0242AC120002",
                           "z2345678-1234-1234-1234-12345678901Z", "abc-DEF-123", " 1.2 "}) {
    BOOST_TEST(uids().accepts("shipped", good), good);
  }
  for (const char* bad : {"1.01", "01.2", "1.", "", "1 2", "a b", "-a", "1abc", "a_b",
                          "12345678-1234-1234-1234-12345678901"}) {
    BOOST_TEST(!uids().accepts("shipped", bad), bad);
  }
}

BOOST_AUTO_TEST_CASE(uid_and_cs_are_checked_natively_with_xerces_messages) {
  // Every root and codeSystem declaration of the shipped schemas and the
  // entry schema's own attribute (uid); every attribute declared cs.
  const auto& switched = uids().schema->native_declarations();
  BOOST_TEST(switched[0] >= 10U);  // uid
  BOOST_TEST(switched[1] >= 10U);  // cs
  BOOST_TEST(switched[2] >= 5U);   // ts
  const auto refused = uids().findings("shipped", "1.02");
  BOOST_TEST_REQUIRE(refused.size() == 1U);
  BOOST_TEST(refused.front().rule_id == "XSD");
  BOOST_TEST(refused.front().message ==
             "value '1.02' does not match regular expression facet "
             "'[0-2](\\.(0|[1-9][0-9]*))*|[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-"
             "[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}|[A-Za-z][A-Za-z0-9\\-]*'");
  const auto refused_code = uids().findings("cs_native", "a b");
  BOOST_TEST_REQUIRE(refused_code.size() == 1U);
  BOOST_TEST(refused_code.front().message ==
             "value 'a b' does not match regular expression facet '[^\\s]+'");
  for (const char* good : {"A", " a ", "1.2", "\xc3\xa9"}) {
    BOOST_TEST(uids().accepts("cs_native", good), good);
  }
  for (const char* bad : {"", " ", "a b", "a\tb"}) {
    BOOST_TEST(!uids().accepts("cs_native", bad), bad);
  }
}

BOOST_AUTO_TEST_CASE(a_type_other_than_the_shipped_one_keeps_xerces_check) {
  // ANS's own datatypes-base.xsd (uid as a union): nothing is switched and
  // Xerces-C still refuses what the union refuses.
  testing::TempDir dir{"passerelle-uid-published"};
  fs::copy(fs::path(PASSERELLE_SOURCE_DIR) / "cda" / "schemas", dir.path(),
           fs::copy_options::recursive);
  const fs::path types = dir.path() / "general" / "datatypes-base.xsd";
  std::string text;
  {
    std::ifstream in(types);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string begin = "<xs:simpleType name=\"uid\">";
  const auto from = text.find(begin);
  const auto to = text.find("</xs:simpleType>", from);
  BOOST_TEST_REQUIRE((from != std::string::npos && to != std::string::npos));
  text.replace(from, to - from, begin + "<xs:union memberTypes=\"oid uuid ruid\"/>");
  std::ofstream(types) << text;
  const cda::detail::SchemaValidator published(dir.path());
  BOOST_TEST(published.native_declarations()[0] == 0U);
  BOOST_TEST(published.native_declarations()[1] > 0U);  // cs is unchanged there
  const std::string document =
      R"(<ClinicalDocument xmlns="urn:hl7-org:v3"><typeId root="2.16.840.1.113883.1.3" )"
      R"(extension="POCD_HD000040"/><id root="1.02"/></ClinicalDocument>)";
  const auto findings = published.validate(document, "doc");
  BOOST_TEST_REQUIRE(!findings.empty());
  BOOST_TEST(findings.front().message.find("'1.02'") != std::string::npos,
             findings.front().message);
}

BOOST_AUTO_TEST_CASE(both_forms_accept_the_same_samples) {
  for (const auto value : kSamples) expect_same(std::string(value));
}

BOOST_AUTO_TEST_CASE(both_forms_accept_the_same_random_strings) {
  std::mt19937 random(20261126);
  const std::string alphabet = "0123456789.-+aAfFzZ_ \t";
  const auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
  };
  for (int i = 0; i < 1500; ++i) {
    std::string value;
    for (std::size_t length = pick(14); length > 0; --length)
      value += alphabet[pick(alphabet.size())];
    expect_same(value);
  }
  // Timestamp-like strings: digits with dots and signs, up to 22 characters.
  const std::string time_alphabet = "0123456789012345678901234567890123456789.+-";
  for (int i = 0; i < 1500; ++i) {
    std::string value;
    for (std::size_t length = pick(23); length > 0; --length)
      value += time_alphabet[pick(time_alphabet.size())];
    expect_same(value);
  }
  // One-character edits of the samples reach the shapes random strings
  // rarely do (36-character UUIDs, long OIDs).
  for (int i = 0; i < 1500; ++i) {
    std::string value(kSamples[pick(std::size(kSamples))]);
    const std::size_t at = value.empty() ? 0 : pick(value.size());
    switch (pick(3)) {
      case 0:
        if (!value.empty()) value[at] = alphabet[pick(alphabet.size())];
        break;
      case 1:
        value.insert(at, 1, alphabet[pick(alphabet.size())]);
        break;
      default:
        if (!value.empty()) value.erase(at, 1);
    }
    expect_same(value);
  }
}
