#define BOOST_TEST_MODULE cli
#include <sys/stat.h>
#include <sys/wait.h>

#include <boost/process.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <thread>

#include "http_client.hpp"
#include "run_binary.hpp"
#include "temp_dir.hpp"

namespace bp = boost::process;
using namespace passerelle::testing;

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

BOOST_AUTO_TEST_CASE(version_and_help) {
  auto version = run({"--version"});
  BOOST_TEST(version.exit_code == 0);
  BOOST_TEST(version.out.find("passerelle 0.") == 0u);

  auto help = run({"--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(help.out.find("serve") != std::string::npos);

  auto serve_help = run({"serve", "--help"});
  BOOST_TEST(serve_help.exit_code == 0);
  for (const char* flag : {"--config", "--listen", "--tls-cert", "--tls-key", "--client-ca", "--db",
                           "--data-dir", "--log-format", "--insecure-http"}) {
    BOOST_TEST_CONTEXT(flag) { BOOST_TEST(serve_help.out.find(flag) != std::string::npos); }
  }
}

BOOST_AUTO_TEST_CASE(contradictory_or_unsafe_configurations_are_refused) {
  auto no_tls = run({"serve", "--data-dir", "/nonexistent/never-created"});
  BOOST_TEST(no_tls.exit_code == 1);
  BOOST_TEST(no_tls.err.find("--tls-cert") != std::string::npos);
  BOOST_TEST(!std::filesystem::exists("/nonexistent/never-created"));

  auto both_databases =
      run({"serve", "--insecure-http", "--db", "postgresql:///x", "--data-dir", "/tmp/x"});
  BOOST_TEST(both_databases.exit_code == 1);
  BOOST_TEST(both_databases.err.find("not both") != std::string::npos);

  auto bad_format = run({"serve", "--log-format", "xml"});
  BOOST_TEST(bad_format.exit_code != 0);

  TempDir dir("passerelle-cli-config");
  std::ofstream(dir.path() / "unknown.toml") << "listen-on = [\"127.0.0.1:0\"]\n";
  auto unknown_key = run({"serve", "--config", (dir.path() / "unknown.toml").string()});
  BOOST_TEST(unknown_key.exit_code != 0);
  BOOST_TEST(unknown_key.err.find("unknown key 'listen-on'") != std::string::npos, unknown_key.err);

  auto missing_file = run({"serve", "--config", (dir.path() / "absent.toml").string()});
  BOOST_TEST(missing_file.exit_code != 0);

  auto mtls_without_tls = run({"serve", "--insecure-http", "--client-ca", "/tmp/ca.pem"});
  BOOST_TEST(mtls_without_tls.exit_code == 1);
}

// What the README's first command does after building: the gateway starts its
// own PostgreSQL, serves, and on SIGTERM stops both cleanly. Configured by a
// TOML file with a flag overriding one of its keys.
BOOST_AUTO_TEST_CASE(serve_runs_on_its_embedded_database_and_stops_cleanly_on_sigterm) {
  TempDir dir("passerelle-cli");
  ::chmod(dir.path().c_str(), 0711);  // the postgres account must reach data/
  const auto config_path = dir.path() / "passerelle.toml";
  std::ofstream(config_path) << "# test configuration\n"
                                "listen = [\"127.0.0.1:0\"]\n"
                                "insecure-http = true\n"
                                "data-dir = \""
                             << (dir.path() / "data").string()
                             << "\"\n"
                                "log-format = \"text\"\n";
  const auto err_path = dir.path() / "stderr.log";
  bp::ipstream out;
  bp::child child(PASSERELLE_BINARY,
                  bp::args({"serve", "--config", config_path.string(), "--log-format", "json"}),
                  bp::std_out > out, bp::std_err > err_path.string());

  std::string line;
  std::smatch match;
  const std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)");
  bool found = false;
  while (std::getline(out, line)) {
    if (std::regex_search(line, match, listening)) {
      found = true;
      break;
    }
  }
  BOOST_TEST_REQUIRE(found, "no 'listening on' line; stderr: " << slurp(err_path));
  const auto port = static_cast<unsigned short>(std::stoi(match[1]));
  {
    HttpConnection connection({boost::asio::ip::make_address("127.0.0.1"), port}, {});
    auto health = connection.request("GET", "/health");
    BOOST_TEST(health.status == 200u);
    BOOST_TEST(health.body.find("\"database\":\"up\"") != std::string::npos);
  }
  BOOST_TEST(std::filesystem::exists(dir.path() / "data" / "postmaster.pid"));

  ::kill(child.id(), SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (child.running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_TEST_REQUIRE(!child.running(),
                     "still running 30 s after SIGTERM; stderr: " << slurp(err_path));
  child.wait();
  BOOST_TEST(child.exit_code() == 0);
  BOOST_TEST(!std::filesystem::exists(dir.path() / "data" / "postmaster.pid"));

  // The flag won over the file: every log line is a JSON object.
  const std::string log = slurp(err_path);
  BOOST_TEST(log.find("\"event\":\"request\"") != std::string::npos);
  BOOST_TEST(log.find("\"event\":\"stopped\"") != std::string::npos);
  std::istringstream lines(log);
  while (std::getline(lines, line)) {
    if (!line.empty()) BOOST_TEST(line.front() == '{', line);
  }
}
