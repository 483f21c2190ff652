#define BOOST_TEST_MODULE operator_api
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
#include "pg_cluster.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"

using namespace passerelle;
using namespace passerelle::testing;
using Json = nlohmann::json;

namespace {

const std::string kToken = "s3cr3t-operator-token";
const std::string kPatient = "1234567890123^^^&1.2.250.1.213.1.4.10&ISO^NH";
// kPatient percent-encoded as a path segment.
const std::string kPatientPath =
    "/api/v1/records/1234567890123%5E%5E%5E%261.2.250.1.213.1.4.10%26ISO%5ENH";

// A fresh migrated database per test, a server with the operator API on it,
// and a RecordStore of our own to see what was (not) stored.
struct Api {
  explicit Api(TestServerOptions options = {}) : uri(fresh_database()), server(with(options, uri)) {
    pool = std::make_unique<store::ConnectionPool>(uri, 1);
    records.emplace(*pool);
  }

  static std::string fresh_database() {
    static std::atomic<int> counter{0};
    const std::string uri =
        ThrowawayDatabase::shared().create_database("operator_api_" + std::to_string(++counter));
    pqxx::connection connection(uri);
    store::migrate(connection);
    return uri;
  }
  static TestServerOptions with(TestServerOptions options, const std::string& uri) {
    options.db_uri = uri;
    if (options.operator_token.empty()) options.operator_token = kToken;
    return options;
  }

  HttpReply call(const std::string& method, const std::string& target, const std::string& body = "",
                 const std::string& content_type = "application/json",
                 std::optional<std::string> authorization = "Bearer " + kToken) {
    std::map<std::string, std::string> headers;
    if (authorization) headers["Authorization"] = *authorization;
    return server.connect().request(method, target, content_type, body, headers);
  }

  long stored_records() {
    auto lease = pool->acquire();
    pqxx::read_transaction tx(*lease);
    return tx.exec1("SELECT count(*) FROM patient_records")[0].as<long>();
  }

  std::string uri;
  TestServer server;
  std::unique_ptr<store::ConnectionPool> pool;
  std::optional<store::RecordStore> records;
};

Json new_record(const std::string& patient_id = kPatient) {
  return {{"patient_id", patient_id},
          {"family", "Durand"},
          {"given", "Camille"},
          {"birth_date", "1984-02-29"},
          {"sex", "F"}};
}

Json json_of(const HttpReply& reply) {
  BOOST_TEST(reply.header("content-type") == "application/json");
  return Json::parse(reply.body);
}

std::string error_code(const HttpReply& reply) {
  return json_of(reply).at("error").at("code").get<std::string>();
}
std::string error_message(const HttpReply& reply) {
  return json_of(reply).at("error").at("message").get<std::string>();
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_show_close_reopen) {
  Api api;
  auto created = api.call("POST", "/api/v1/records", new_record().dump());
  BOOST_TEST_REQUIRE(created.status == 201u, created.body);
  const Json record = json_of(created);
  BOOST_TEST(record.at("patient_id") == kPatient);
  BOOST_TEST(record.at("family") == "Durand");
  BOOST_TEST(record.at("given") == "Camille");
  BOOST_TEST(record.at("birth_date") == "1984-02-29");
  BOOST_TEST(record.at("sex") == "F");
  BOOST_TEST(record.at("state") == "open");
  BOOST_TEST(record.at("close_reason") == "");
  BOOST_TEST(record.at("created_at").get<std::string>().size() == 20u);  // 2024-01-31T12:00:00Z
  BOOST_TEST(record.at("updated_at").get<std::string>().size() == 20u);
  BOOST_TEST(record.size() == 9u);

  const auto stored = api.records->find(kPatient);
  BOOST_TEST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->family == "Durand");
  BOOST_TEST(stored->state == "open");

  // The same record again: 409, and the first one is untouched.
  Json other = new_record();
  other["family"] = "Martin";
  auto duplicate = api.call("POST", "/api/v1/records", other.dump());
  BOOST_TEST(duplicate.status == 409u);
  BOOST_TEST(error_code(duplicate) == "record_exists");
  BOOST_TEST(error_message(duplicate) == "a record already exists for patient '" + kPatient + "'");
  BOOST_TEST(api.records->find(kPatient)->family == "Durand");
  BOOST_TEST(api.stored_records() == 1);

  // Show: the id is URL-encoded; either hex case decodes the same.
  auto shown = api.call("GET", kPatientPath);
  BOOST_TEST_REQUIRE(shown.status == 200u, shown.body);
  BOOST_TEST(json_of(shown) == record);
  auto lower_hex =
      api.call("GET", "/api/v1/records/1234567890123%5e%5e%5e%261.2.250.1.213.1.4.10%26ISO%5eNH");
  BOOST_TEST(lower_hex.status == 200u);
  BOOST_TEST(api.call("GET", kPatientPath + "?verbose=1").status == 200u);

  // Close, close again, reopen, reopen again.
  auto closed = api.call("POST", kPatientPath + "/close", R"({"reason": "patient deceased"})");
  BOOST_TEST_REQUIRE(closed.status == 200u, closed.body);
  BOOST_TEST(json_of(closed).at("state") == "closed");
  BOOST_TEST(json_of(closed).at("close_reason") == "patient deceased");
  BOOST_TEST(api.records->find(kPatient)->state == "closed");

  auto closed_twice = api.call("POST", kPatientPath + "/close", R"({"reason": "again"})");
  BOOST_TEST(closed_twice.status == 409u);
  BOOST_TEST(error_code(closed_twice) == "record_state");
  BOOST_TEST(error_message(closed_twice) ==
             "the record of patient '" + kPatient + "' is already closed");
  BOOST_TEST(api.records->find(kPatient)->close_reason == "patient deceased");

  auto reopened = api.call("POST", kPatientPath + "/reopen", "", "", "Bearer " + kToken);
  BOOST_TEST_REQUIRE(reopened.status == 200u, reopened.body);
  BOOST_TEST(json_of(reopened).at("state") == "open");
  BOOST_TEST(json_of(reopened).at("close_reason") == "");
  BOOST_TEST(api.records->find(kPatient)->state == "open");

  auto reopened_twice = api.call("POST", kPatientPath + "/reopen", "{}");
  BOOST_TEST(reopened_twice.status == 409u);
  BOOST_TEST(error_code(reopened_twice) == "record_state");
  BOOST_TEST(error_message(reopened_twice) ==
             "the record of patient '" + kPatient + "' is already open");
}

BOOST_AUTO_TEST_CASE(unknown_records_are_404) {
  Api api;
  const std::string unknown = "/api/v1/records/999%5E%5E%5E%261.2.3%26ISO%5ENH";
  for (const auto& [method, target, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", unknown, ""},
           {"POST", unknown + "/close", R"({"reason": "x"})"},
           {"POST", unknown + "/reopen", "{}"}}) {
    BOOST_TEST_CONTEXT(method << " " << target) {
      auto reply = api.call(method, target, body);
      BOOST_TEST(reply.status == 404u);
      BOOST_TEST(error_code(reply) == "record_not_found");
      BOOST_TEST(error_message(reply) == "no record for patient '999^^^&1.2.3&ISO^NH'");
    }
  }
  BOOST_TEST(api.stored_records() == 0);
}

BOOST_AUTO_TEST_CASE(malformed_creations_are_400_with_a_precise_message_and_store_nothing) {
  Api api;
  auto with = [](const std::string& field, const Json& value) {
    Json body = new_record();
    body[field] = value;
    return body.dump();
  };
  auto without = [](const std::string& field) {
    Json body = new_record();
    body.erase(field);
    return body.dump();
  };
  const std::string bad_id = "1234^^^&1.2.250.01&ISO^NH";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"patient_id\": ", "request body is not valid JSON (error at byte 16)"},
      {"", "request body is not valid JSON (error at byte 1)"},
      {"[1, 2]", "request body must be a JSON object"},
      {"\"text\"", "request body must be a JSON object"},
      {without("patient_id"), "missing field 'patient_id'"},
      {without("family"), "missing field 'family'"},
      {without("given"), "missing field 'given'"},
      {without("birth_date"), "missing field 'birth_date'"},
      {without("sex"), "missing field 'sex'"},
      {with("nickname", "Cam"), "unknown field 'nickname'"},
      {with("family", 42), "field 'family' must be a string"},
      {with("given", nullptr), "field 'given' must be a string"},
      {with("family", ""), "field 'family' must not be empty"},
      {with("family", std::string(201, 'a')), "field 'family' is longer than 200 bytes"},
      {with("given", "Cam\nille"), "field 'given' must not contain control characters"},
      {with("patient_id", "1234567890123"),
       "patient_id must be of the form id^^^&OID&ISO^NH, got '1234567890123'"},
      {with("patient_id", "1234^^^&1.2.250&ISO^PI"),
       "patient_id must be of the form id^^^&OID&ISO^NH, got '1234^^^&1.2.250&ISO^PI'"},
      {with("patient_id", "1234^^^&&ISO^NH"),
       "patient_id '1234^^^&&ISO^NH': assigning authority '' is not a dotted-decimal OID"},
      {with("patient_id", bad_id),
       "patient_id '" + bad_id + "': assigning authority '1.2.250.01' is not a dotted-decimal OID"},
      {with("patient_id", "1234^^^&1.2.abc&ISO^NH"),
       "patient_id '1234^^^&1.2.abc&ISO^NH': assigning authority '1.2.abc' is not a "
       "dotted-decimal OID"},
      {with("patient_id", "12 34^^^&1.2.250&ISO^NH"),
       "patient_id '12 34^^^&1.2.250&ISO^NH': the id before ^^^ must be non-empty, without "
       "spaces, control characters or separators (^ & ~ \\ |)"},
      {with("patient_id", "^^^&1.2.250&ISO^NH"),
       "patient_id '^^^&1.2.250&ISO^NH': the id before ^^^ must be non-empty, without spaces, "
       "control characters or separators (^ & ~ \\ |)"},
      {with("birth_date", "29/02/1984"),
       "birth_date must be a date as YYYY-MM-DD, got '29/02/1984'"},
      {with("birth_date", "1984-2-29"), "birth_date must be a date as YYYY-MM-DD, got '1984-2-29'"},
      {with("birth_date", "1983-02-29"), "birth_date '1983-02-29' is not a calendar date"},
      {with("birth_date", "1984-13-01"), "birth_date '1984-13-01' is not a calendar date"},
      {with("birth_date", "2999-01-01"), "birth_date '2999-01-01' is in the future"},
      {with("sex", "X"), "field 'sex' must be F, M or U, got 'X'"},
      {with("sex", "f"), "field 'sex' must be F, M or U, got 'f'"},
      {with("sex", "Female"), "field 'sex' is longer than 2 bytes"},
  };
  for (const auto& [body, message] : cases) {
    BOOST_TEST_CONTEXT(body) {
      auto reply = api.call("POST", "/api/v1/records", body);
      BOOST_TEST(reply.status == 400u);
      BOOST_TEST(error_code(reply) == "invalid_request");
      BOOST_TEST(error_message(reply) == message);
      BOOST_TEST(!api.records->find(kPatient).has_value());
      BOOST_TEST(api.stored_records() == 0);
    }
  }
}

BOOST_AUTO_TEST_CASE(malformed_close_bodies_and_ids_are_400_and_change_nothing) {
  Api api;
  BOOST_TEST_REQUIRE(api.call("POST", "/api/v1/records", new_record().dump()).status == 201u);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{}", "missing field 'reason'"},
      {R"({"reason": ""})", "field 'reason' must not be empty"},
      {R"({"reason": 3})", "field 'reason' must be a string"},
      {R"({"reason": "x", "by": "me"})", "unknown field 'by'"},
      {"reason=x", "request body is not valid JSON (error at byte 1)"},
  };
  for (const auto& [body, message] : cases) {
    BOOST_TEST_CONTEXT(body) {
      auto reply = api.call("POST", kPatientPath + "/close", body);
      BOOST_TEST(reply.status == 400u);
      BOOST_TEST(error_message(reply) == message);
      BOOST_TEST(api.records->find(kPatient)->state == "open");
    }
  }
  auto reopen_with_fields = api.call("POST", kPatientPath + "/reopen", R"({"reason": "x"})");
  BOOST_TEST(reopen_with_fields.status == 400u);
  BOOST_TEST(error_message(reopen_with_fields) == "unknown field 'reason'");

  auto bad_escape = api.call("GET", "/api/v1/records/1234%5G");
  BOOST_TEST(bad_escape.status == 400u);
  BOOST_TEST(error_message(bad_escape) ==
             "malformed percent-encoding in the patient id of the URL");
  auto truncated_escape = api.call("GET", "/api/v1/records/1234%5");
  BOOST_TEST(truncated_escape.status == 400u);
  auto not_an_id = api.call("GET", "/api/v1/records/1234");
  BOOST_TEST(not_an_id.status == 400u);
  BOOST_TEST(error_message(not_an_id) ==
             "patient_id must be of the form id^^^&OID&ISO^NH, got '1234'");
  BOOST_TEST(api.stored_records() == 1);
}

BOOST_AUTO_TEST_CASE(the_profile_may_restrict_assigning_authorities) {
  TestServerOptions options;
  options.patient_id_authority = [](const std::string& oid) {
    return oid == "1.2.250.1.213.1.4.10";
  };
  Api api(options);
  auto refused = api.call("POST", "/api/v1/records", new_record("77^^^&1.2.3.4&ISO^NH").dump());
  BOOST_TEST(refused.status == 400u);
  BOOST_TEST(error_message(refused) ==
             "patient_id '77^^^&1.2.3.4&ISO^NH': assigning authority '1.2.3.4' is not accepted by "
             "this affinity domain");
  BOOST_TEST(api.stored_records() == 0);
  BOOST_TEST(api.call("POST", "/api/v1/records", new_record().dump()).status == 201u);
}

BOOST_AUTO_TEST_CASE(wrong_or_missing_tokens_are_401) {
  Api api;
  const std::vector<std::optional<std::string>> refused = {
      std::nullopt,
      "",
      "Bearer",
      "Bearer ",
      "Bearer wrong-token",
      "Bearer " + kToken + "x",
      "Bearer " + kToken.substr(0, kToken.size() - 1),
      "Basic " + kToken,
      kToken,
  };
  for (const auto& authorization : refused) {
    BOOST_TEST_CONTEXT(authorization.value_or("<none>")) {
      for (const auto& [method, target] :
           std::vector<std::pair<std::string, std::string>>{{"POST", "/api/v1/records"},
                                                            {"GET", kPatientPath},
                                                            {"GET", "/api/v1/nothing-here"}}) {
        auto reply =
            api.call(method, target, new_record().dump(), "application/json", authorization);
        BOOST_TEST(reply.status == 401u);
        BOOST_TEST(reply.header("www-authenticate").starts_with("Bearer"));
        BOOST_TEST(error_code(reply) == "unauthorized");
      }
    }
  }
  BOOST_TEST(api.stored_records() == 0);
  // The scheme is case-insensitive (RFC 7235).
  auto lower_case = api.call("POST", "/api/v1/records", new_record().dump(), "application/json",
                             "bearer " + kToken);
  BOOST_TEST(lower_case.status == 201u);
}

BOOST_AUTO_TEST_CASE(methods_media_types_and_paths) {
  Api api;
  auto get_collection = api.call("GET", "/api/v1/records");
  BOOST_TEST(get_collection.status == 405u);
  BOOST_TEST(get_collection.header("allow") == "POST");
  BOOST_TEST(error_code(get_collection) == "method_not_allowed");
  auto delete_record = api.call("DELETE", kPatientPath);
  BOOST_TEST(delete_record.status == 405u);
  BOOST_TEST(delete_record.header("allow") == "GET, HEAD");
  BOOST_TEST(api.call("GET", kPatientPath + "/close").status == 405u);

  auto text = api.call("POST", "/api/v1/records", new_record().dump(), "text/plain");
  BOOST_TEST(text.status == 415u);
  BOOST_TEST(error_code(text) == "unsupported_media_type");
  BOOST_TEST(error_message(text) ==
             "Content-Type 'text/plain' is not supported: the body must be application/json");
  auto none = api.call("POST", "/api/v1/records", new_record().dump(), "");
  BOOST_TEST(none.status == 415u);
  BOOST_TEST(error_message(none) == "missing Content-Type: the body must be application/json");
  auto close_form =
      api.call("POST", kPatientPath + "/close", "reason=x", "application/x-www-form-urlencoded");
  BOOST_TEST(close_form.status == 415u);
  BOOST_TEST(api.stored_records() == 0);

  auto with_charset =
      api.call("POST", "/api/v1/records", new_record().dump(), "Application/JSON; charset=utf-8");
  BOOST_TEST(with_charset.status == 201u);

  for (const std::string& target :
       std::vector<std::string>{"/api/v1/nothing", "/api/v2/records", "/api/v1/records/x/y/z",
                                "/api/v1/recordsX", kPatientPath + "/delete"}) {
    BOOST_TEST_CONTEXT(target) {
      auto reply = api.call("GET", target);
      BOOST_TEST(reply.status == 404u);
      BOOST_TEST(error_code(reply) == "not_found");
    }
  }
}

BOOST_AUTO_TEST_CASE(the_api_is_disabled_without_a_token_file) {
  TestServer server(TestServerOptions{});  // no operator token, no database
  auto connection = server.connect();
  for (const std::string target : {"/api/v1/records", "/api/v1/records/x", "/api/"}) {
    BOOST_TEST_CONTEXT(target) {
      auto reply = connection.request("POST", target, "application/json", new_record().dump(),
                                      {{"Authorization", "Bearer " + kToken}});
      BOOST_TEST(reply.status == 404u);
      BOOST_TEST(error_code(reply) == "not_found");
      BOOST_TEST(error_message(reply) ==
                 "the operator API is disabled (the server has no --operator-token-file)");
    }
  }
  // Health is unaffected.
  BOOST_TEST(connection.request("GET", "/health/live").status == 200u);
}

BOOST_AUTO_TEST_CASE(an_unusable_token_file_is_a_startup_error) {
  TempDir dir("passerelle-token-test");
  std::ofstream(dir.path() / "blank") << "  \n\n";
  auto message_for = [&](const std::filesystem::path& file) -> std::string {
    TestServerOptions options;
    options.customize = [&](gateway::ServerConfig& config) { config.operator_token_file = file; };
    try {
      TestServer server(options);
    } catch (const Failure& failure) {
      BOOST_TEST(failure.error().location == "--operator-token-file");
      return failure.error().message;
    }
    return "no error";
  };
  BOOST_TEST(message_for(dir.path() / "absent") ==
             "operator token file '" + (dir.path() / "absent").string() + "' not found");
  BOOST_TEST(message_for(dir.path() / "blank") ==
             "operator token file '" + (dir.path() / "blank").string() + "' is empty");
  BOOST_TEST(message_for(dir.path()) ==
             "operator token file '" + dir.path().string() + "' is a directory");
}
