#define BOOST_TEST_MODULE admin_cli
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.
#include <sys/stat.h>

#include <atomic>
#include <boost/process.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
#include "pg_cluster.hpp"
#include "run_binary.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"

namespace bp = boost::process;
using namespace passerelle;
using namespace passerelle::testing;
using Json = nlohmann::json;

namespace {

const std::string kToken = "admin-cli-token";
const std::string kPatient = "2840229123456^^^&1.2.250.1.213.1.4.10&ISO^NH";

std::string fresh_database(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return ThrowawayDatabase::shared().create_database(prefix + std::to_string(++counter));
}

std::string migrated_database() {
  const std::string uri = fresh_database("admin_cli_");
  pqxx::connection connection(uri);
  store::migrate(connection);
  return uri;
}

TestServerOptions api_options(const std::string& uri) {
  TestServerOptions options;
  options.db_uri = uri;
  options.operator_token = kToken;
  return options;
}

// `passerelle admin --url … --token-file … --ca-cert … <args…>`
std::vector<std::string> admin(const TestServer& server, std::vector<std::string> args,
                               const std::filesystem::path& token_file = {}) {
  std::vector<std::string> all = {
      "admin",
      "--url",
      "https://127.0.0.1:" + std::to_string(server.endpoint().port()),
      "--token-file",
      (token_file.empty() ? server.operator_token_file() : token_file).string(),
      "--ca-cert",
      pki("ca.pem").string()};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

int schema_version_of(const std::string& uri) {
  pqxx::connection connection(uri);
  return store::schema_version(connection);
}

}  // namespace

BOOST_AUTO_TEST_CASE(admin_record_create_show_close_reopen) {
  const std::string uri = migrated_database();
  TestServer server(api_options(uri));

  auto created =
      run(admin(server, {"record", "create", "--patient-id", kPatient, "--family", "Lefèvre",
                         "--given", "Noé", "--birth-date", "1984-02-29", "--sex", "M"}));
  BOOST_TEST_REQUIRE(created.exit_code == 0, created.out << created.err);
  const Json record = Json::parse(created.out);
  BOOST_TEST(record.at("patient_id") == kPatient);
  BOOST_TEST(record.at("family") == "Lefèvre");
  BOOST_TEST(record.at("state") == "open");
  store::ConnectionPool pool(uri, 1);
  store::RecordStore records(pool);
  BOOST_TEST_REQUIRE(records.find(kPatient).has_value());
  BOOST_TEST(records.find(kPatient)->given == "Noé");

  auto shown = run(admin(server, {"record", "show", kPatient}));
  BOOST_TEST_REQUIRE(shown.exit_code == 0, shown.out << shown.err);
  BOOST_TEST(Json::parse(shown.out) == record);

  auto duplicate = run(admin(server, {"record", "create", "--patient-id", kPatient, "--family", "X",
                                      "--given", "Y", "--birth-date", "1984-02-29", "--sex", "M"}));
  BOOST_TEST(duplicate.exit_code == 1);
  BOOST_TEST(Json::parse(duplicate.out).at("error").at("code") == "record_exists");
  BOOST_TEST(duplicate.err.find("HTTP 409") != std::string::npos, duplicate.err);

  auto closed = run(admin(server, {"record", "close", kPatient, "--reason", "moved abroad"}));
  BOOST_TEST_REQUIRE(closed.exit_code == 0, closed.out << closed.err);
  BOOST_TEST(Json::parse(closed.out).at("state") == "closed");
  BOOST_TEST(records.find(kPatient)->close_reason == "moved abroad");
  BOOST_TEST(run(admin(server, {"record", "close", kPatient, "--reason", "x"})).exit_code == 1);

  auto reopened = run(admin(server, {"record", "reopen", kPatient}));
  BOOST_TEST_REQUIRE(reopened.exit_code == 0, reopened.out << reopened.err);
  BOOST_TEST(Json::parse(reopened.out).at("state") == "open");
  BOOST_TEST(records.find(kPatient)->state == "open");

  auto unknown = run(admin(server, {"record", "show", "1^^^&1.2.3&ISO^NH"}));
  BOOST_TEST(unknown.exit_code == 1);
  BOOST_TEST(Json::parse(unknown.out).at("error").at("code") == "record_not_found");

  auto invalid = run(admin(server, {"record", "create", "--patient-id", "bad", "--family", "X",
                                    "--given", "Y", "--birth-date", "1984-02-29", "--sex", "M"}));
  BOOST_TEST(invalid.exit_code == 1);
  BOOST_TEST(Json::parse(invalid.out).at("error").at("message") ==
             "patient_id must be of the form id^^^&OID&ISO^NH, got 'bad'");
}

BOOST_AUTO_TEST_CASE(admin_refuses_wrong_tokens_and_untrusted_servers) {
  const std::string uri = migrated_database();
  TestServer server(api_options(uri));
  TempDir dir("passerelle-admin-cli");

  std::ofstream(dir.path() / "wrong") << "not-the-token\n";
  auto wrong = run(admin(server, {"record", "show", kPatient}, dir.path() / "wrong"));
  BOOST_TEST(wrong.exit_code == 1);
  BOOST_TEST(Json::parse(wrong.out).at("error").at("code") == "unauthorized");
  BOOST_TEST(wrong.err.find("HTTP 401") != std::string::npos, wrong.err);

  auto absent = run(admin(server, {"record", "show", kPatient}, dir.path() / "absent"));
  BOOST_TEST(absent.exit_code == 1);
  BOOST_TEST(absent.err.find("--token-file: operator token file '" +
                             (dir.path() / "absent").string() + "' not found") != std::string::npos,
             absent.err);

  // Without --ca-cert the test PKI is not trusted: the handshake fails.
  auto untrusted =
      run({"admin", "--url", "https://127.0.0.1:" + std::to_string(server.endpoint().port()),
           "--token-file", server.operator_token_file().string(), "record", "show", kPatient});
  BOOST_TEST(untrusted.exit_code == 1);
  BOOST_TEST(untrusted.err.find("TLS handshake with 127.0.0.1:") != std::string::npos,
             untrusted.err);
  BOOST_TEST(untrusted.out.empty());

  auto bad_url = run({"admin", "--url", "ftp://x", "--token-file",
                      server.operator_token_file().string(), "record", "show", kPatient});
  BOOST_TEST(bad_url.exit_code == 1);
  BOOST_TEST(bad_url.err.find("--url 'ftp://x'") != std::string::npos, bad_url.err);

  auto missing_subcommand = run(admin(server, {"record"}));
  BOOST_TEST(missing_subcommand.exit_code != 0);
}

BOOST_AUTO_TEST_CASE(serve_lists_the_new_options) {
  auto help = run({"serve", "--help"});
  BOOST_TEST(help.exit_code == 0);
  for (const char* flag :
       {"--operator-token-file", "--profile", "--profile-dir", "--repository-unique-id"}) {
    BOOST_TEST_CONTEXT(flag) { BOOST_TEST(help.out.find(flag) != std::string::npos); }
  }
  auto admin_help = run({"admin", "--help"});
  BOOST_TEST(admin_help.exit_code == 0);
  BOOST_TEST(admin_help.out.find("--token-file") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(serve_refuses_an_unusable_token_file_before_starting_anything) {
  TempDir dir("passerelle-admin-serve");
  std::ofstream(dir.path() / "empty");
  for (const auto& [file, why] : std::vector<std::pair<std::filesystem::path, std::string>>{
           {dir.path() / "absent", "not found"}, {dir.path() / "empty", "is empty"}}) {
    BOOST_TEST_CONTEXT(file) {
      auto serve = run({"serve", "--insecure-http", "--listen", "127.0.0.1:0", "--data-dir",
                        (dir.path() / "data").string(), "--operator-token-file", file.string()});
      BOOST_TEST(serve.exit_code == 1);
      BOOST_TEST(serve.err.find("--operator-token-file: operator token file '" + file.string() +
                                "' " + why) != std::string::npos,
                 serve.err);
      BOOST_TEST(!std::filesystem::exists(dir.path() / "data"));
    }
  }
}

BOOST_AUTO_TEST_CASE(db_migrate_on_an_external_database_prints_the_version) {
  const std::string uri = fresh_database("admin_cli_migrate_");
  auto first = run({"db", "migrate", "--db", uri});
  BOOST_TEST_REQUIRE(first.exit_code == 0, first.out << first.err);
  const int version = schema_version_of(uri);
  BOOST_TEST(version > 0);
  BOOST_TEST(first.out == "schema version " + std::to_string(version) + "\n");
  // Idempotent.
  auto again = run({"db", "migrate", "--db", uri});
  BOOST_TEST(again.exit_code == 0);
  BOOST_TEST(again.out == first.out);
  {
    pqxx::connection connection(uri);
    pqxx::read_transaction tx(connection);
    BOOST_TEST(tx.exec1("SELECT count(*) FROM patient_records")[0].as<long>() == 0);
  }

  auto neither = run({"db", "migrate"});
  BOOST_TEST(neither.exit_code != 0);
  BOOST_TEST(neither.err.find("--db or --data-dir") != std::string::npos, neither.err);
  auto both = run({"db", "migrate", "--db", uri, "--data-dir", "/tmp/never"});
  BOOST_TEST(both.exit_code != 0);
  auto unreachable = run({"db", "migrate", "--db", "postgresql:///nope?host=/nonexistent"});
  BOOST_TEST(unreachable.exit_code == 1);
  BOOST_TEST(unreachable.err.find("passerelle db migrate: ") == 0u, unreachable.err);
}

BOOST_AUTO_TEST_CASE(db_migrate_on_the_embedded_cluster) {
  TempDir dir("passerelle-migrate");
  ::chmod(dir.path().c_str(), 0711);  // the postgres account must reach data/
  const auto data = dir.path() / "data";
  auto migrated = run({"db", "migrate", "--data-dir", data.string()});
  BOOST_TEST_REQUIRE(migrated.exit_code == 0, migrated.out << migrated.err);
  BOOST_TEST(migrated.out.starts_with("schema version "));
  BOOST_TEST(std::filesystem::exists(data / "PG_VERSION"));
  // The cluster was stopped again.
  BOOST_TEST(!std::filesystem::exists(data / "postmaster.pid"));
  auto again = run({"db", "migrate", "--data-dir", data.string()});
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(again.out == migrated.out);
}
