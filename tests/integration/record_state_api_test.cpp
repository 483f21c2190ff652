#define BOOST_TEST_MODULE record_state_api
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.
#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "passerelle/registry/record_state.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/traces.hpp"
#include "pg_cluster.hpp"
#include "test_server.hpp"

using namespace passerelle;
using namespace passerelle::testing;
using Json = nlohmann::json;

namespace {

const std::string kToken = "record-state-token";
const std::string kPatient = "2840229123456^^^&1.2.250.1.213.1.4.10&ISO^NH";
const std::string kRecord =
    "/api/v1/records/2840229123456%5E%5E%5E%261.2.250.1.213.1.4.10%26ISO%5ENH";
const std::string kRpps = "410001234567890";
const std::string kAdeli = "012345678901";

// A fresh migrated database with one open record, a server with the
// operator API on it, and stores of our own to see what was (not) changed.
struct Api {
  Api() : uri(fresh_database()), server(options(uri)), pool(uri, 1), records(pool), state(pool) {
    store::PatientRecord record;
    record.patient_id = kPatient;
    record.family = "Durand";
    record.given = "Camille";
    record.birth_date = "2015-06-01";
    record.sex = "F";
    records.create(record);
  }
  static std::string fresh_database() {
    static std::atomic<int> counter{0};
    const std::string uri = ThrowawayDatabase::shared().create_database("record_state_api_" +
                                                                        std::to_string(++counter));
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

  HttpReply call(const std::string& method, const std::string& target, const std::string& body = "",
                 const std::string& content_type = "application/json",
                 std::map<std::string, std::string> headers = {}) {
    headers.emplace("Authorization", "Bearer " + kToken);
    return server.connect().request(method, target, content_type, body, headers);
  }
  HttpReply put(const std::string& path, const std::string& body = "") {
    return call("PUT", kRecord + path, body, body.empty() ? "" : "application/json");
  }
  HttpReply del(const std::string& path) { return call("DELETE", kRecord + path, "", ""); }

  store::RecordChoices choices() { return *state.choices(kPatient); }
  long traces() {
    auto lease = pool.acquire();
    pqxx::nontransaction tx(*lease);
    return tx.exec1("SELECT count(*) FROM traces")[0].as<long>();
  }

  std::string uri;
  TestServer server;
  store::ConnectionPool pool;
  store::RecordStore records;
  store::RecordStateStore state;
};

Json json_of(const HttpReply& reply) {
  BOOST_TEST(reply.header("content-type") == "application/json");
  return Json::parse(reply.body);
}

// The reply is exactly this error.
void expect_error(const HttpReply& reply, unsigned status, const std::string& code,
                  const std::string& message) {
  BOOST_TEST(reply.status == status, reply.body);
  const Json json = json_of(reply);
  BOOST_TEST(json == (Json{{"error", {{"code", code}, {"message", message}}}}), reply.body);
}

// What a fresh record's state looks like.
bool untouched(Api& api) {
  const auto c = api.choices();
  return c.treating_doctors.empty() && c.blocked.empty() && !c.legal_representative &&
         c.authorisations.empty() && c.bris_de_glace == store::EmergencyChoice::Allowed &&
         c.centre_15 == store::EmergencyChoice::Allowed && api.traces() == 0;
}

const std::string kPersonExpected =
    "a professional is identified by an RPPS (4 followed by 14 letters or digits) or an ADELI "
    "(0 followed by 11) number (R-ID-2)";

}  // namespace

BOOST_AUTO_TEST_CASE(state_of_a_fresh_record) {
  Api api;
  const auto reply = api.call("GET", kRecord + "/state");
  BOOST_TEST_REQUIRE(reply.status == 200u, reply.body);
  BOOST_TEST(json_of(reply) ==
             (Json{{"patient_id", kPatient},
                   {"state", "open"},
                   {"emergency", {{"bris_de_glace", "allowed"}, {"centre_15", "allowed"}}},
                   {"treating_doctors", Json::array()},
                   {"blocked", Json::array()},
                   {"legal_representative", nullptr},
                   {"authorisations", Json::array()}}));
}

// R-AUTH-5, R-TRACE-1: MT status set and removed by the patient (here the
// operator), each change traced with the operator as actor and the
// request id.
BOOST_AUTO_TEST_CASE(treating_doctors_are_set_removed_and_traced) {
  Api api;
  auto added = api.call("PUT", kRecord + "/treating-doctors/" + kRpps, "", "",
                        {{"X-Request-Id", "req-mt-1"}});
  BOOST_TEST_REQUIRE(added.status == 200u, added.body);
  const Json doctors = json_of(added).at("treating_doctors");
  BOOST_TEST_REQUIRE(doctors.size() == 1u);
  BOOST_TEST(doctors[0].at("person_id") == kRpps);
  BOOST_TEST(doctors[0].at("since").get<std::string>().size() == 20u);
  BOOST_TEST(api.state.access_state(kPatient, kRpps)->is_treating_doctor);

  // PUT again is idempotent; `{}` is an accepted empty body.
  auto again = api.put("/treating-doctors/" + kRpps, "{}");
  BOOST_TEST(again.status == 200u, again.body);
  BOOST_TEST(json_of(again).at("treating_doctors").size() == 1u);
  BOOST_TEST(api.put("/treating-doctors/" + kAdeli).status == 200u);
  BOOST_TEST(api.choices().treating_doctors.size() == 2u);

  auto removed = api.del("/treating-doctors/" + kRpps);
  BOOST_TEST_REQUIRE(removed.status == 200u, removed.body);
  BOOST_TEST(
      json_of(removed).at("treating_doctors") ==
      (Json::array({{{"person_id", kAdeli}, {"since", api.choices().treating_doctors[0].since}}})));
  expect_error(api.del("/treating-doctors/" + kRpps), 404, "treating_doctor_not_found",
               kRpps + " is not a treating doctor of this record");
  BOOST_TEST(api.choices().treating_doctors.size() == 1u);

  const auto traces = api.call("GET", kRecord + "/traces");
  BOOST_TEST_REQUIRE(traces.status == 200u, traces.body);
  const Json list = json_of(traces).at("traces");
  BOOST_TEST_REQUIRE(list.size() == 4u);  // the refused removal left none
  BOOST_TEST(list[0].at("action") == "unset_mt");
  BOOST_TEST(list[0].at("subject_id") == kRpps);
  const Json& first = list[3];
  BOOST_TEST(first.at("action") == "set_mt");
  BOOST_TEST(first.at("subject_id") == kRpps);
  BOOST_TEST(first.at("actor_id") == "operator");
  BOOST_TEST(first.at("actor_kind") == "operator");
  BOOST_TEST(first.at("authentication") == "operator_token");
  BOOST_TEST(first.at("purpose") == "normal");
  BOOST_TEST(first.at("secret_connection") == false);
  BOOST_TEST(first.at("outcome") == "allowed");
  BOOST_TEST(first.at("reason_code") == "");
  BOOST_TEST(first.at("document_unique_id").is_null());
  BOOST_TEST(first.at("request_id") == "req-mt-1");
  BOOST_TEST(first.size() == 17u);
  BOOST_TEST(json_of(traces).at("next_before").is_null());
}

// R-AUTH-3: blocks, and the 409s between blocks and MT status.
BOOST_AUTO_TEST_CASE(blocks_and_conflicts) {
  Api api;
  auto blocked = api.put("/blocked/" + kAdeli);
  BOOST_TEST_REQUIRE(blocked.status == 200u, blocked.body);
  BOOST_TEST(json_of(blocked).at("blocked")[0].at("person_id") == kAdeli);
  BOOST_TEST(api.state.access_state(kPatient, kAdeli)->is_blocked);

  expect_error(api.put("/treating-doctors/" + kAdeli), 409, "state_conflict",
               kAdeli +
                   " is blocked on this record: unblock them before making them treating "
                   "doctor");
  BOOST_TEST(api.put("/treating-doctors/" + kRpps).status == 200u);
  expect_error(api.put("/blocked/" + kRpps), 409, "state_conflict",
               kRpps +
                   " is a treating doctor of this record: remove that status before blocking "
                   "them");
  BOOST_TEST(api.choices().blocked.size() == 1u);
  BOOST_TEST(api.choices().treating_doctors.size() == 1u);
  BOOST_TEST(api.traces() == 2);

  BOOST_TEST(api.del("/blocked/" + kAdeli).status == 200u);
  BOOST_TEST(!api.state.access_state(kPatient, kAdeli)->is_blocked);
  expect_error(api.del("/blocked/" + kAdeli), 404, "block_not_found",
               kAdeli + " is not blocked on this record");
  BOOST_TEST(api.traces() == 3);
}

// R-AUTH-2: both emergency choices at once.
BOOST_AUTO_TEST_CASE(emergency_choices) {
  Api api;
  auto set = api.put("/emergency", R"({"bris_de_glace": "opposed", "centre_15": "allowed"})");
  BOOST_TEST_REQUIRE(set.status == 200u, set.body);
  BOOST_TEST(json_of(set).at("emergency") ==
             (Json{{"bris_de_glace", "opposed"}, {"centre_15", "allowed"}}));
  const auto s = api.state.access_state(kPatient, kRpps);
  BOOST_TEST((s->bris_de_glace == store::EmergencyChoice::Opposed));
  BOOST_TEST((s->centre_15 == store::EmergencyChoice::Allowed));
  const auto traces = store::list_traces(api.pool, kPatient, std::nullopt, 10).traces;
  BOOST_TEST_REQUIRE(traces.size() == 1u);
  BOOST_TEST(traces[0].detail == "bris_de_glace=opposed centre_15=allowed");
}

BOOST_AUTO_TEST_CASE(malformed_emergency_bodies_are_400_and_change_nothing) {
  Api api;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "request body is not valid JSON (error at byte 1)"},
      {"[]", "request body must be a JSON object"},
      {R"({"bris_de_glace": "opposed"})", "missing field 'centre_15'"},
      {R"({"centre_15": "opposed"})", "missing field 'bris_de_glace'"},
      {R"({"bris_de_glace": "opposed", "centre_15": "opposed", "x": 1})", "unknown field 'x'"},
      {R"({"bris_de_glace": true, "centre_15": "opposed"})",
       "field 'bris_de_glace' must be a string"},
      {R"({"bris_de_glace": "no", "centre_15": "opposed"})",
       "field 'bris_de_glace' must be \"allowed\" or \"opposed\", got 'no'"},
      {R"({"bris_de_glace": "opposed", "centre_15": "Opposed"})",
       "field 'centre_15' must be \"allowed\" or \"opposed\", got 'Opposed'"},
  };
  for (const auto& [body, message] : cases) {
    BOOST_TEST_CONTEXT(body) {
      expect_error(api.call("PUT", kRecord + "/emergency", body), 400, "invalid_request", message);
    }
  }
  expect_error(api.call("PUT", kRecord + "/emergency", R"({"bris_de_glace": "opposed"})", ""), 415,
               "unsupported_media_type", "missing Content-Type: the body must be application/json");
  expect_error(api.call("PUT", kRecord + "/emergency", "{}", "text/plain"), 415,
               "unsupported_media_type",
               "Content-Type 'text/plain' is not supported: the body must be application/json");
  BOOST_TEST(untouched(api));
}

BOOST_AUTO_TEST_CASE(legal_representative_set_and_removed) {
  Api api;
  expect_error(api.del("/legal-representative"), 404, "legal_representative_not_found",
               "this record has no legal representative");
  auto set = api.put("/legal-representative",
                     R"({"family": "Durand", "given": "Paul", "relationship": "parent"})");
  BOOST_TEST_REQUIRE(set.status == 200u, set.body);
  Json representative = json_of(set).at("legal_representative");
  BOOST_TEST(representative.at("family") == "Durand");
  BOOST_TEST(representative.at("given") == "Paul");
  BOOST_TEST(representative.at("relationship") == "parent");
  BOOST_TEST(representative.at("since").get<std::string>().size() == 20u);
  BOOST_TEST(representative.size() == 4u);
  BOOST_TEST(api.state.access_state(kPatient, kRpps)->has_legal_representative);

  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"family": "Martin", "given": "Anne"})", "missing field 'relationship'"},
      {R"({"family": "Martin", "given": "Anne", "relationship": "aunt"})",
       "field 'relationship' must be \"parent\", \"guardian\" or \"other\", got 'aunt'"},
      {R"({"family": "", "given": "Anne", "relationship": "other"})",
       "field 'family' must not be empty"},
      {R"({"family": "Martin", "given": "An\tne", "relationship": "other"})",
       "field 'given' must not contain control characters"},
      {R"({"family": "Martin", "given": "Anne", "relationship": "other", "ins": "1"})",
       "unknown field 'ins'"},
  };
  for (const auto& [body, message] : bad) {
    BOOST_TEST_CONTEXT(body) {
      expect_error(api.put("/legal-representative", body), 400, "invalid_request", message);
    }
  }
  BOOST_TEST(api.choices().legal_representative->family == "Durand");

  auto removed = api.del("/legal-representative");
  BOOST_TEST_REQUIRE(removed.status == 200u, removed.body);
  BOOST_TEST(json_of(removed).at("legal_representative").is_null());
  BOOST_TEST(api.traces() == 2);
}

// R-ID-2 in the URL: persons only, exact formats.
BOOST_AUTO_TEST_CASE(person_ids_are_checked) {
  Api api;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1750000000", "person id '1750000000' is an organisation's FINESS number, not a person's: " +
                         kPersonExpected},
      {"810001234567", "person id '810001234567' is not a national id: " + kPersonExpected},
      {"4100012345678901",
       "person id '4100012345678901' has 16 characters, a RPPS number has 15: " + kPersonExpected},
      {"41000123456789%2B",
       "person id '41000123456789+' has characters other than letters and digits: " +
           kPersonExpected},
      {"4100%zz", "malformed percent-encoding in the person id of the URL"},
  };
  for (const auto& [segment, message] : cases) {
    for (const std::string collection : {"/treating-doctors/", "/blocked/"}) {
      BOOST_TEST_CONTEXT(collection << segment) {
        expect_error(api.put(collection + segment), 400, "invalid_request", message);
        expect_error(api.del(collection + segment), 400, "invalid_request", message);
      }
    }
  }
  BOOST_TEST(untouched(api));
}

// Every route: a malformed patient id is 400, an unknown one 404, a closed
// record refuses changes with 409; nothing is changed or traced.
BOOST_AUTO_TEST_CASE(patient_errors_on_every_route) {
  Api api;
  const std::string emergency = R"({"bris_de_glace": "opposed", "centre_15": "opposed"})";
  const std::string representative =
      R"({"family": "Durand", "given": "Paul", "relationship": "parent"})";
  struct Case {
    std::string method;
    std::string path;
    std::string body;
    bool change;
  };
  const std::vector<Case> cases = {
      {"GET", "/state", "", false},
      {"GET", "/traces", "", false},
      {"PUT", "/treating-doctors/" + kRpps, "", true},
      {"DELETE", "/treating-doctors/" + kRpps, "", true},
      {"PUT", "/blocked/" + kRpps, "", true},
      {"DELETE", "/blocked/" + kRpps, "", true},
      {"PUT", "/emergency", emergency, true},
      {"PUT", "/legal-representative", representative, true},
      {"DELETE", "/legal-representative", "", true},
  };
  const std::string unknown = "/api/v1/records/999%5E%5E%5E%261.2.3%26ISO%5ENH";
  const std::string malformed = "/api/v1/records/999%5E%5E%5E%261.2.3";
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.method << " " << c.path) {
      const std::string type = c.body.empty() ? "" : "application/json";
      expect_error(api.call(c.method, unknown + c.path, c.body, type), 404, "record_not_found",
                   "no record for patient '999^^^&1.2.3&ISO^NH'");
      expect_error(api.call(c.method, malformed + c.path, c.body, type), 400, "invalid_request",
                   "patient_id must be of the form id^^^&OID&ISO^NH, got '999^^^&1.2.3'");
    }
  }
  api.records.close(kPatient, "deceased");
  for (const auto& c : cases) {
    if (!c.change) continue;
    BOOST_TEST_CONTEXT(c.method << " " << c.path) {
      expect_error(
          api.call(c.method, kRecord + c.path, c.body, c.body.empty() ? "" : "application/json"),
          409, "record_state",
          "the record of patient '" + kPatient + "' is closed: reopen it first");
    }
  }
  BOOST_TEST(untouched(api));
  // Reads still work on a closed record.
  BOOST_TEST(json_of(api.call("GET", kRecord + "/state")).at("state") == "closed");
}

BOOST_AUTO_TEST_CASE(methods_media_types_and_credentials) {
  Api api;
  const std::vector<std::tuple<std::string, std::string, std::string>> wrong = {
      {"POST", "/treating-doctors/" + kRpps, "PUT, DELETE"},
      {"GET", "/blocked/" + kRpps, "PUT, DELETE"},
      {"GET", "/emergency", "PUT"},
      {"DELETE", "/emergency", "PUT"},
      {"POST", "/legal-representative", "PUT, DELETE"},
      {"PUT", "/traces", "GET, HEAD"},
      {"DELETE", "/state", "GET, HEAD"},
  };
  for (const auto& [method, path, allow] : wrong) {
    BOOST_TEST_CONTEXT(method << " " << path) {
      const auto reply = api.call(method, kRecord + path, "", "");
      expect_error(reply, 405, "method_not_allowed", "this resource accepts " + allow + " only");
      BOOST_TEST(reply.header("allow") == allow);
    }
  }
  // Not routes of this API: the records API's 404.
  for (const std::string& path :
       std::vector<std::string>{"/treating-doctors/", "/treating-doctors",
                                "/blocked/" + kRpps + "/x", "/emergency/x", "/histories"}) {
    BOOST_TEST_CONTEXT(path) {
      expect_error(api.call("PUT", kRecord + path, "", ""), 404, "not_found",
                   "no such API endpoint");
    }
  }
  // A body on a change that takes none must be JSON, and empty.
  expect_error(api.call("PUT", kRecord + "/blocked/" + kRpps, "x", "text/plain"), 415,
               "unsupported_media_type",
               "Content-Type 'text/plain' is not supported: the body must be application/json");
  expect_error(api.call("PUT", kRecord + "/blocked/" + kRpps, R"({"why": "x"})"), 400,
               "invalid_request", "unknown field 'why'");
  // No token: 401 before anything else.
  const auto anonymous = api.server.connect().request("PUT", kRecord + "/blocked/" + kRpps, "", "");
  expect_error(anonymous, 401, "unauthorized", "missing Authorization: Bearer <operator token>");
  BOOST_TEST(untouched(api));
}

// R-TRACE-3 and paging: ?document=, ?limit=, ?before=.
BOOST_AUTO_TEST_CASE(traces_filter_and_page) {
  Api api;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    store::Trace trace;
    trace.actor.id = kRpps;
    trace.actor.kind = store::ActorKind::Rpps;
    trace.actor.authentication = store::TraceAuthentication::Directe;
    trace.patient_id = kPatient;
    trace.action = store::TraceAction::Consult;
    if (i % 2 == 0) trace.document_unique_id = "1.2.250.1.1^x&y";
    if (i == 4) {
      trace.allowed = false;
      trace.reason_code = "R-READ-2";
      trace.reason = "masked";
    }
    ids.push_back(store::append_trace(api.pool, trace));
  }
  auto ids_of = [](const Json& reply) {
    std::vector<std::int64_t> out;
    for (const auto& t : reply.at("traces")) out.push_back(t.at("id").get<std::int64_t>());
    return out;
  };
  const Json filtered = json_of(api.call("GET", kRecord + "/traces?document=1.2.250.1.1%5Ex%26y"));
  BOOST_TEST(ids_of(filtered) == (std::vector<std::int64_t>{ids[4], ids[2], ids[0]}),
             boost::test_tools::per_element());
  BOOST_TEST(filtered.at("traces")[0].at("outcome") == "refused");
  BOOST_TEST(filtered.at("traces")[0].at("reason_code") == "R-READ-2");
  BOOST_TEST(filtered.at("traces")[0].at("reason") == "masked");
  BOOST_TEST(filtered.at("traces")[0].at("document_unique_id") == "1.2.250.1.1^x&y");
  BOOST_TEST(filtered.at("traces")[0].at("actor_kind") == "rpps");
  BOOST_TEST(filtered.at("traces")[0].at("authentication") == "directe");

  Json page = json_of(api.call("GET", kRecord + "/traces?limit=2"));
  BOOST_TEST(ids_of(page) == (std::vector<std::int64_t>{ids[4], ids[3]}),
             boost::test_tools::per_element());
  BOOST_TEST(page.at("next_before") == ids[3]);
  page = json_of(api.call("GET", kRecord + "/traces?limit=2&before=" + std::to_string(ids[3])));
  BOOST_TEST(ids_of(page) == (std::vector<std::int64_t>{ids[2], ids[1]}),
             boost::test_tools::per_element());
  page =
      json_of(api.call("GET", kRecord + "/traces?before=" + std::to_string(ids[1]) + "&limit=2"));
  BOOST_TEST(ids_of(page) == (std::vector<std::int64_t>{ids[0]}), boost::test_tools::per_element());
  BOOST_TEST(page.at("next_before").is_null());
  BOOST_TEST(json_of(api.call("GET", kRecord + "/traces?document=nothing")).at("traces").empty());

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"limit=0", "query parameter 'limit' must be an integer from 1 to 1000, got '0'"},
      {"limit=1001", "query parameter 'limit' must be an integer from 1 to 1000, got '1001'"},
      {"limit=-1", "query parameter 'limit' must be an integer from 1 to 1000, got '-1'"},
      {"limit=", "query parameter 'limit' must be an integer from 1 to 1000, got ''"},
      {"before=abc", "query parameter 'before' must be a trace id (a positive integer), got 'abc'"},
      {"before=99999999999999999999",
       "query parameter 'before' must be a trace id (a positive integer), got "
       "'99999999999999999999'"},
      {"document=",
       "query parameter 'document' must be a document uniqueId (1 to 256 bytes, no control "
       "characters), got ''"},
      {"document=%0A",
       "query parameter 'document' must be a document uniqueId (1 to 256 bytes, no control "
       "characters), got '\n'"},
      {"document=%zz", "malformed percent-encoding in query parameter 'document'"},
      {"limit=1&limit=2", "query parameter 'limit' is given twice"},
      {"page=2", "unknown query parameter 'page' (known: document, limit, before)"},
  };
  for (const auto& [query, message] : bad) {
    BOOST_TEST_CONTEXT(query) {
      expect_error(api.call("GET", kRecord + "/traces?" + query), 400, "invalid_request", message);
    }
  }
}
