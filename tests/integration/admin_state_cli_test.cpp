#define BOOST_TEST_MODULE admin_state_cli
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.
#include <atomic>
#include <boost/process.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "passerelle/registry/record_state.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/traces.hpp"
#include "pg_cluster.hpp"
#include "run_binary.hpp"
#include "test_server.hpp"

namespace bp = boost::process;
using namespace passerelle;
using namespace passerelle::testing;
using Json = nlohmann::json;

namespace {

const std::string kToken = "admin-state-cli-token";
const std::string kPatient = "2840229123456^^^&1.2.250.1.213.1.4.10&ISO^NH";
const std::string kRpps = "410001234567890";
const std::string kAdeli = "012345678901";

// A server with the operator API on a fresh database holding one open record.
struct Gateway {
  Gateway() : uri(fresh()), server(options(uri)), pool(uri, 1), state(pool) {
    store::PatientRecord record;
    record.patient_id = kPatient;
    record.family = "Durand";
    record.given = "Camille";
    record.birth_date = "2015-06-01";
    record.sex = "F";
    store::RecordStore(pool).create(record);
  }
  static std::string fresh() {
    static std::atomic<int> counter{0};
    const std::string uri =
        ThrowawayDatabase::shared().create_database("admin_state_cli_" + std::to_string(++counter));
    pqxx::connection connection(uri);
    store::migrate(connection);
    return uri;
  }
  static TestServerOptions options(const std::string& uri) {
    TestServerOptions options;
    options.db_uri = uri;
    options.operator_token = kToken;
    return options;
  }

  // `passerelle admin --url … --token-file … --ca-cert … record <args…>`
  Run admin(std::vector<std::string> args) const {
    std::vector<std::string> all = {"admin",
                                    "--url",
                                    "https://127.0.0.1:" + std::to_string(server.endpoint().port()),
                                    "--token-file",
                                    server.operator_token_file().string(),
                                    "--ca-cert",
                                    pki("ca.pem").string(),
                                    "record"};
    all.insert(all.end(), args.begin(), args.end());
    return run(all);
  }
  store::RecordChoices choices() { return *state.choices(kPatient); }
  std::size_t traces() {
    return store::list_traces(pool, kPatient, std::nullopt, 1000).traces.size();
  }

  std::string uri;
  TestServer server;
  store::ConnectionPool pool;
  store::RecordStateStore state;
};

Json ok(const Run& result) {
  BOOST_TEST_REQUIRE(result.exit_code == 0, result.out << result.err);
  return Json::parse(result.out);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_record_state_command_reaches_the_api) {
  Gateway g;
  Json reply = ok(g.admin({"treating-doctor", "add", kPatient, kRpps}));
  BOOST_TEST(reply.at("treating_doctors")[0].at("person_id") == kRpps);
  BOOST_TEST(g.choices().treating_doctors.size() == 1u);

  reply = ok(g.admin({"block", kPatient, kAdeli}));
  BOOST_TEST(reply.at("blocked")[0].at("person_id") == kAdeli);
  BOOST_TEST(g.state.access_state(kPatient, kAdeli)->is_blocked);

  reply =
      ok(g.admin({"emergency", kPatient, "--bris-de-glace", "allowed", "--centre-15", "opposed"}));
  BOOST_TEST(reply.at("emergency") ==
             (Json{{"bris_de_glace", "allowed"}, {"centre_15", "opposed"}}));
  BOOST_TEST((g.choices().centre_15 == store::EmergencyChoice::Opposed));

  reply = ok(g.admin({"legal-representative", "set", kPatient, "--family", "Durand", "--given",
                      "Élodie", "--relationship", "parent"}));
  BOOST_TEST(reply.at("legal_representative").at("given") == "Élodie");
  BOOST_TEST(g.choices().legal_representative->relationship == "parent");

  reply = ok(g.admin({"state", kPatient}));
  BOOST_TEST(reply.at("treating_doctors").size() == 1u);
  BOOST_TEST(reply.at("blocked").size() == 1u);
  BOOST_TEST(reply.at("legal_representative").at("family") == "Durand");

  reply = ok(g.admin({"traces", kPatient}));
  BOOST_TEST_REQUIRE(reply.at("traces").size() == 4u);
  BOOST_TEST(reply.at("traces")[0].at("action") == "set_legal_representative");
  BOOST_TEST(reply.at("traces")[3].at("action") == "set_mt");
  reply = ok(g.admin({"traces", kPatient, "--limit", "1"}));
  BOOST_TEST_REQUIRE(reply.at("traces").size() == 1u);
  const auto newest = reply.at("traces")[0].at("id").get<std::int64_t>();
  BOOST_TEST(reply.at("next_before") == newest);
  reply = ok(g.admin({"traces", kPatient, "--limit", "2", "--before", std::to_string(newest)}));
  BOOST_TEST(reply.at("traces").size() == 2u);
  BOOST_TEST(reply.at("traces")[0].at("action") == "set_emergency");
  // The uniqueId is percent-encoded by the client and decoded by the server.
  store::Trace trace;
  trace.actor.id = kRpps;
  trace.patient_id = kPatient;
  trace.document_unique_id = "1.2.3^a&b";
  store::append_trace(g.pool, trace);
  reply = ok(g.admin({"traces", kPatient, "--document", "1.2.3^a&b"}));
  BOOST_TEST_REQUIRE(reply.at("traces").size() == 1u);
  BOOST_TEST(reply.at("traces")[0].at("document_unique_id") == "1.2.3^a&b");

  ok(g.admin({"treating-doctor", "remove", kPatient, kRpps}));
  ok(g.admin({"unblock", kPatient, kAdeli}));
  ok(g.admin({"legal-representative", "remove", kPatient}));
  const auto c = g.choices();
  BOOST_TEST(c.treating_doctors.empty());
  BOOST_TEST(c.blocked.empty());
  BOOST_TEST(!c.legal_representative.has_value());
  BOOST_TEST(g.traces() == 8u);
}

BOOST_AUTO_TEST_CASE(errors_are_the_servers_and_change_nothing) {
  Gateway g;
  auto absent = g.admin({"treating-doctor", "remove", kPatient, kRpps});
  BOOST_TEST(absent.exit_code == 1);
  BOOST_TEST(Json::parse(absent.out).at("error").at("code") == "treating_doctor_not_found");
  BOOST_TEST(absent.err.find("HTTP 404") != std::string::npos, absent.err);

  // The person id is sent percent-encoded: '+' reaches the server as is.
  auto bad_person = g.admin({"block", kPatient, "41000123456789+"});
  BOOST_TEST(bad_person.exit_code == 1);
  BOOST_TEST(Json::parse(bad_person.out).at("error").at("message") ==
             "person id '41000123456789+' has characters other than letters and digits: a "
             "professional is identified by an RPPS (4 followed by 14 letters or digits) or an "
             "ADELI (0 followed by 11) number (R-ID-2)");
  BOOST_TEST(bad_person.err.find("HTTP 400") != std::string::npos, bad_person.err);

  auto bad_choice =
      g.admin({"emergency", kPatient, "--bris-de-glace", "maybe", "--centre-15", "allowed"});
  BOOST_TEST(bad_choice.exit_code == 1);
  BOOST_TEST(Json::parse(bad_choice.out).at("error").at("message") ==
             "field 'bris_de_glace' must be \"allowed\" or \"opposed\", got 'maybe'");

  auto bad_limit = g.admin({"traces", kPatient, "--limit", "0"});
  BOOST_TEST(bad_limit.exit_code == 1);
  BOOST_TEST(Json::parse(bad_limit.out).at("error").at("message") ==
             "query parameter 'limit' must be an integer from 1 to 1000, got '0'");

  // Missing options are the command line's own error: nothing is sent.
  auto incomplete = g.admin({"emergency", kPatient, "--bris-de-glace", "opposed"});
  BOOST_TEST(incomplete.exit_code != 0);
  BOOST_TEST(incomplete.err.find("--centre-15") != std::string::npos, incomplete.err);
  BOOST_TEST(g.admin({"legal-representative", kPatient}).exit_code != 0);

  const auto c = g.choices();
  BOOST_TEST(c.treating_doctors.empty());
  BOOST_TEST(c.blocked.empty());
  BOOST_TEST((c.bris_de_glace == store::EmergencyChoice::Allowed));
  BOOST_TEST(g.traces() == 0u);
}
