#define BOOST_TEST_MODULE conformance_placeholders
#include <boost/test/unit_test.hpp>

// Placeholder substitution and the fresh identifiers of a run.

#include <set>

#include "passerelle/conformance/placeholders.hpp"

using namespace passerelle::conformance;

BOOST_AUTO_TEST_CASE(symbols_are_replaced_everywhere_and_escaped) {
  const std::string text = R"(<a v="$patientid$">$patientid$ $docuid1$</a>)";
  const auto out = substitute(text, {{"$patientid$", "P1^^^&1.2.3&ISO"}, {"$docuid1$", "1.2.9"}});
  BOOST_TEST(out == R"(<a v="P1^^^&amp;1.2.3&amp;ISO">P1^^^&amp;1.2.3&amp;ISO 1.2.9</a>)");
  BOOST_TEST(substitute("$x$", {{"$x$", "a&b"}}, false) == "a&b");
}

BOOST_AUTO_TEST_CASE(longer_symbols_win_over_their_prefixes) {
  // "Document01" (a UseId symbol of the testkit) must not eat "Document01_uid".
  const auto out = substitute("Document01 Document01_uid",
                              {{"Document01", "urn:uuid:1"}, {"Document01_uid", "1.2.3"}});
  BOOST_TEST(out == "urn:uuid:1 1.2.3");
}

BOOST_AUTO_TEST_CASE(substitution_does_not_loop_when_a_value_holds_its_symbol) {
  BOOST_TEST(substitute("$a$", {{"$a$", "x$a$"}}, false) == "x$a$");
}

BOOST_AUTO_TEST_CASE(first_placeholder_finds_what_is_left) {
  BOOST_TEST(first_placeholder("<a>$ssuid$</a>") == "$ssuid$");
  BOOST_TEST(first_placeholder("cost $5 and $ and $$") == "");
  BOOST_TEST(first_placeholder("a $b c$ $d_e1$") == "$d_e1$");
}

BOOST_AUTO_TEST_CASE(query_times_are_now_and_a_year_before_in_dtm) {
  using namespace std::chrono;
  const auto at = sys_days{2026y / November / 26} + 8h + 5min + 9s + 700ms;
  const auto symbols = query_time_symbols(at);
  BOOST_TEST(symbols.size() == 2u);
  BOOST_TEST(symbols.at("$now$") == "20261126080509");
  BOOST_TEST(symbols.at("$lastyear$") == "20251126080509");
  // No 29 February the year before: the toolkit's date would not exist.
  const auto leap = query_time_symbols(sys_days{2028y / February / 29} + 23h + 59min + 59s);
  BOOST_TEST(leap.at("$now$") == "20280229235959");
  BOOST_TEST(leap.at("$lastyear$") == "20270228235959");
  BOOST_TEST(substitute("<V>$lastyear$</V><V>$now$</V>", symbols) ==
             "<V>20251126080509</V><V>20261126080509</V>");
}

BOOST_AUTO_TEST_CASE(a_uuid_given_by_a_use_id_is_sent_again_as_it_is) {
  // NIST 15806/resubmit: the DocumentEntry is defined under the UUID the
  // submit step assigned ($deid$), so the registry sees a duplicate.
  const std::string assigned = "urn:uuid:0b6e4b0e-58a4-4a5e-9d1a-3f4c1c1b2a10";
  const std::set<std::string> defined = {assigned, "SubmissionSet01"};
  BOOST_TEST(keeps_object_id(assigned, defined, {{"$deid$", assigned}}));
  // Written in the file on an object it defines: renewed, so a test can run
  // twice; symbolic: renewed; only referred to: kept.
  BOOST_TEST(!keeps_object_id(assigned, defined, {{"$patientid$", "P1^^^&1.2.3&ISO"}}));
  BOOST_TEST(!keeps_object_id("SubmissionSet01", defined, {{"$x$", "SubmissionSet01"}}));
  BOOST_TEST(keeps_object_id("urn:uuid:7edca82f-054d-47f2-a032-9b2a5b518fff", defined, {}));
}

BOOST_AUTO_TEST_CASE(ids_are_fresh_and_well_formed) {
  IdFactory ids("1.3.6.1.4.1.21367.2005.3.99", 1700000000);
  const auto a = ids.unique_id(), b = ids.unique_id();
  BOOST_TEST(a == "1.3.6.1.4.1.21367.2005.3.99.1700000000.1");
  BOOST_TEST(a != b);
  std::set<std::string> uuids;
  for (int i = 0; i < 100; ++i) {
    const auto uuid = ids.uuid();
    BOOST_TEST(uuid.size() == 45u);
    BOOST_TEST(uuid.rfind("urn:uuid:", 0) == 0u);
    BOOST_TEST(uuid[23] == '4');  // version 4
    uuids.insert(uuid);
  }
  BOOST_TEST(uuids.size() == 100u);
  const auto patient = ids.patient("1.2.3");
  BOOST_TEST(patient.find("^^^&1.2.3&ISO") != std::string::npos);
  BOOST_TEST(patient != ids.patient("1.2.3"));
}
