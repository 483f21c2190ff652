#define BOOST_TEST_MODULE conformance
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.

// The conformance harness (conformance/) against our own gateway: real
// HTTPS, real PostgreSQL, the `ihe-test` profile with patient records
// required (so XDSUnknownPatientId can be tested), patients set up through
// the operator API (--record-setup). It replays the registry, repository,
// metadata update and remove collections of the NIST testkit
// (../shared/corpus/nist-testkit) and pins the outcome: every test listed in
// conformance/expected/passerelle-ihe-test.txt must pass, so a regression of
// the gateway or of the harness fails here. Once more through the
// `passerelle conformance run` binary, with mutual TLS.
//
// Without the corpus every case passes with "skipped: ../shared/corpus not present".

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "passerelle/conformance/report.hpp"
#include "passerelle/conformance/runner.hpp"
#include "passerelle/conformance/testkit.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/gateway/router.hpp"
#include "passerelle/gateway/xds_service.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/store.hpp"
#include "pg_cluster.hpp"
#include "run_binary.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"
#include "xds_client.hpp"
#include "xds_gateway.hpp"

namespace {

namespace fs = std::filesystem;
using namespace passerelle;
using namespace passerelle::testing;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};

constexpr const char* kToken = "conformance-operator-token";
// The collections of the issue: registry, repository, metadata update,
// remove metadata.
const std::vector<std::string> kCollections = {"rep", "reg", "reg_mu", "reg_rm"};

fs::path corpus_dir() { return fs::path(PASSERELLE_SHARED_DIR) / "corpus" / "nist-testkit"; }
bool corpus_present() { return fs::is_directory(corpus_dir() / "tests"); }

// conformance/expected/passerelle-ihe-test.txt: one test id a line, '#' comments.
std::set<std::string> expected_to_pass() {
  std::ifstream in(fs::path(PASSERELLE_SOURCE_DIR) / "conformance" / "expected" /
                   "passerelle-ihe-test.txt");
  BOOST_TEST_REQUIRE(static_cast<bool>(in), "conformance/expected/passerelle-ihe-test.txt missing");
  std::set<std::string> ids;
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    for (std::string word; words >> word;) ids.insert(word);
  }
  return ids;
}

// The ihe-test profile with records required (the harness opens them through
// the operator API), over TLS or mutual TLS.
XdsTestGateway conformance_gateway(bool mutual_tls) {
  auto profile = registry::load_named_profile("ihe-test");
  profile.require_patient_record = true;
  XdsGatewayOptions options;
  options.mutual_tls = mutual_tls;
  options.operator_token = kToken;
  return XdsTestGateway(std::make_shared<const registry::Profile>(std::move(profile)),
                        std::move(options));
}

conformance::RunOptions options_for(const XdsTestGateway& gateway) {
  conformance::RunOptions options;
  options.registry_url = gateway.base() + gateway::kRegistryPath;
  options.repository_url = gateway.base() + gateway::kRepositoryPath;
  options.tls.ca = pki("ca.pem");
  options.testkit = corpus_dir();
  options.record_setup_url = gateway.base();
  options.operator_token = kToken;
  return options;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

BOOST_AUTO_TEST_CASE(nist_collections_against_our_gateway) {
  if (!corpus_present()) {
    BOOST_TEST_MESSAGE("skipped: ../shared/corpus not present");
    return;
  }
  const auto gateway = conformance_gateway(false);
  TempDir reports("conformance-reports");
  auto options = options_for(gateway);
  const conformance::Testkit testkit(corpus_dir());
  std::map<std::string, std::string> collection_of;  // first collection naming the test
  for (const auto& collection : kCollections) {
    for (const auto& id : testkit.collection(collection)) {
      if (collection_of.emplace(id, collection).second) options.tests.push_back(id);
    }
  }
  // PASSERELLE_CONFORMANCE_KEEP=DIR keeps the messages and the HTML report
  // there, for whoever analyses a failure.
  const char* keep = std::getenv("PASSERELLE_CONFORMANCE_KEEP");
  const fs::path out = keep != nullptr && *keep != '\0' ? fs::path(keep) : reports.path();
  options.messages_dir = out / "messages";
  const auto result = conformance::run_conformance(options);
  BOOST_TEST_MESSAGE(result.summary_line() << " in " << result.seconds << " s");

  // Pass count per collection, for the record.
  std::map<std::string, std::map<conformance::Verdict, int>> per_collection;
  std::map<std::string, conformance::Verdict> verdicts;
  for (const auto& test : result.tests) {
    verdicts[test.id] = test.verdict;
    const auto found = collection_of.find(test.id);
    ++per_collection[found == collection_of.end() ? "prerequisite" : found->second][test.verdict];
    if (test.verdict != conformance::Verdict::Passed) {
      BOOST_TEST_MESSAGE(test.id << ": " << conformance::to_string(test.verdict) << " - "
                                 << test.reason);
    }
  }
  for (auto& [collection, counts] : per_collection) {
    BOOST_TEST_MESSAGE(collection << ": " << counts[conformance::Verdict::Passed] << " passed, "
                                  << counts[conformance::Verdict::Failed] << " failed, "
                                  << counts[conformance::Verdict::NotApplicable] << " skipped");
  }

  for (const auto& id : expected_to_pass()) {
    const auto found = verdicts.find(id);
    BOOST_TEST((found != verdicts.end() && found->second == conformance::Verdict::Passed),
               "NIST " << id << " is expected to pass against our gateway");
  }
  // Messages of the failed steps are saved for whoever looks into them.
  BOOST_TEST(fs::is_directory(options.messages_dir / "11990"));

  const auto junit = conformance::junit_xml(result);
  const auto parsed = xml::parse(junit);
  BOOST_TEST(*xml::attribute(parsed.root(), "tests") == std::to_string(result.tests.size()));
  const auto html = conformance::html_report(result);
  BOOST_TEST(html.find(result.summary_line()) != std::string::npos);
  std::ofstream(out / "report.html") << html;
}

BOOST_AUTO_TEST_CASE(the_passerelle_binary_runs_the_same_over_mutual_tls) {
  if (!corpus_present()) {
    BOOST_TEST_MESSAGE("skipped: ../shared/corpus not present");
    return;
  }
  const auto gateway = conformance_gateway(true);
  TempDir reports("conformance-cli");
  const auto junit = reports.path() / "junit.xml";
  const auto html = reports.path() / "report.html";
  const std::vector<std::string> common = {"conformance",
                                           "run",
                                           "--endpoint-registry",
                                           gateway.base() + gateway::kRegistryPath,
                                           "--endpoint-repository",
                                           gateway.base() + gateway::kRepositoryPath,
                                           "--testkit",
                                           corpus_dir().string(),
                                           "--ca",
                                           pki("ca.pem").string(),
                                           "--client-cert",
                                           pki("structure.pem").string(),
                                           "--client-key",
                                           pki("structure.key").string(),
                                           "--record-setup",
                                           gateway.base(),
                                           "--operator-token",
                                           kToken,
                                           "--junit",
                                           junit.string(),
                                           "--html",
                                           html.string()};

  auto args = common;
  args.insert(args.end(), {"--tests", "11990,12021"});
  const auto passing = run(args);
  BOOST_TEST(passing.exit_code == 0, passing.out << passing.err);
  BOOST_TEST(passing.out.find("2 passed, 0 failed, 0 skipped") != std::string::npos, passing.out);
  BOOST_TEST(read_all(junit).find("<testsuites") != std::string::npos);
  BOOST_TEST(read_all(html).find("<!DOCTYPE html>") == 0u);
  BOOST_TEST(fs::is_directory(fs::path(html.string() + ".messages") / "12021" / "retrieve"));

  // The registry URL pointing at the repository: the Register step gets a
  // SOAP fault (ActionNotSupported), the test fails and the run exits 1.
  args = common;
  args[3] = gateway.base() + gateway::kRepositoryPath;
  args.insert(args.end(), {"--tests", "11990"});
  const auto failing = run(args);
  BOOST_TEST(failing.exit_code == 1, failing.out << failing.err);
  BOOST_TEST(failing.out.find("0 passed, 1 failed, 0 skipped") != std::string::npos, failing.out);
  BOOST_TEST(failing.out.find("ActionNotSupported") != std::string::npos, failing.out);

  // A run that cannot start: exit 2 and a message.
  args = common;
  args.insert(args.end(), {"--tests", "no-such-test"});
  const auto broken = run(args);
  BOOST_TEST(broken.exit_code == 2);
  BOOST_TEST(broken.err.find("no-such-test") != std::string::npos, broken.err);
}
