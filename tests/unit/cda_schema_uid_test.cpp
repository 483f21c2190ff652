#define BOOST_TEST_MODULE cda_schema_uid
#include <boost/test/unit_test.hpp>

// Issue 8: the shipped cda/schemas/general/datatypes-base.xsd writes the HL7
// type uid as one restriction with three patterns where ANS and HL7 publish a
// union of oid, uuid and ruid (cda/schemas/README.md says why). This test
// compiles both next to each other, from the shipped files, and checks that
// they accept exactly the same strings.

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

// The shipped schemas, with an entry schema declaring one element whose
// attribute has the shipped uid and one whose attribute has uid as published.
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
  <xs:element name="shipped">
    <xs:complexType><xs:attribute name="v" type="uid" use="required"/></xs:complexType>
  </xs:element>
  <xs:element name="published">
    <xs:complexType><xs:attribute name="v" type="uid_as_published" use="required"/></xs:complexType>
  </xs:element>
</xs:schema>)";
    schema = std::make_unique<cda::detail::SchemaValidator>(dir.path());
  }

  bool accepts(const std::string& element, const std::string& value) const {
    const std::string document =
        "<" + element + " xmlns=\"urn:hl7-org:v3\" v=\"" + xml::escape(value) + "\"/>";
    return schema->validate(document, element).empty();
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

void expect_same(const std::string& value) {
  BOOST_TEST(uids().accepts("shipped", value) == uids().accepts("published", value),
             "uid '" << value << "': shipped " << uids().accepts("shipped", value) << ", published "
                     << uids().accepts("published", value));
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

BOOST_AUTO_TEST_CASE(both_forms_accept_the_same_samples) {
  for (const auto value : kSamples) expect_same(std::string(value));
}

BOOST_AUTO_TEST_CASE(both_forms_accept_the_same_random_strings) {
  std::mt19937 random(20261126);
  const std::string alphabet = "0123456789.-aAfFzZ_ ";
  const auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
  };
  for (int i = 0; i < 1500; ++i) {
    std::string value;
    for (std::size_t length = pick(14); length > 0; --length)
      value += alphabet[pick(alphabet.size())];
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
