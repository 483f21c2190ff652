#include "conformance_command.hpp"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "passerelle/conformance/report.hpp"
#include "passerelle/conformance/runner.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/signature/xmldsig.hpp"

namespace passerelle::gateway {
namespace {

struct ConformanceState {
  CLI::App* run = nullptr;
  conformance::RunOptions options;
  std::string tests;  // ID,ID,…
  std::string ca, client_cert, client_key, messages;
  std::string junit, html;
};

bool write_report(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (out) return true;
  std::cerr << "conformance: cannot write " << path << "\n";
  return false;
}

int run_conformance(ConformanceState& state) {
  auto& options = state.options;
  for (std::size_t start = 0; start < state.tests.size();) {
    const auto comma = state.tests.find(',', start);
    const auto id = state.tests.substr(start, comma == std::string::npos ? comma : comma - start);
    if (!id.empty()) options.tests.push_back(id);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  options.tls = {state.ca, state.client_cert, state.client_key};
  options.messages_dir = state.messages.empty() ? std::filesystem::path(state.html + ".messages")
                                                : std::filesystem::path(state.messages);
  options.on_test = [](const conformance::TestResult& test) {
    std::cout << test.id << ": " << conformance::to_string(test.verdict)
              << (test.reason.empty() ? "" : " - " + test.reason) << "\n"
              << std::flush;
  };
  try {
    xml::Runtime runtime;
    signature::Runtime signature_runtime;  // signs the VIHF of suite steps
    const auto result = conformance::run_conformance(options);
    const bool written = write_report(state.junit, conformance::junit_xml(result)) &&
                         write_report(state.html, conformance::html_report(result));
    std::cout << result.summary_line() << "\n";
    if (!written) return 2;
    return result.summary().failed == 0 ? 0 : 1;
  } catch (const Failure& failure) {
    std::cerr << "conformance: " << failure.error().message << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "conformance: " << error.what() << "\n";
    return 2;
  }
}

}  // namespace

void add_conformance_command(CLI::App& app) {
  auto state = std::make_shared<ConformanceState>();
  CLI::App* command = app.add_subcommand(
      "conformance", "replay the NIST XDS testkit against an XDS.b registry and repository");
  command->require_subcommand(1);
  state->run = command->add_subcommand("run", "run testkit tests and write JUnit and HTML reports");
  auto& run = *state->run;
  auto& options = state->options;
  run.add_option("--endpoint-registry", options.registry_url,
                 "registry endpoint URL (ITI-42, ITI-18, ITI-57, ITI-62)")
      ->required();
  run.add_option("--endpoint-repository", options.repository_url,
                 "repository endpoint URL (ITI-41, ITI-43)")
      ->required();
  run.add_option("--testkit", options.testkit, "testkit folder (holding tests/)")->required();
  run.add_option("--tests", state->tests, "test ids, comma separated");
  run.add_option("--collection", options.collection, "a collection of the testkit (reg, rep, …)");
  run.add_option("--client-cert", state->client_cert, "client certificate (PEM) for mutual TLS");
  run.add_option("--client-key", state->client_key, "its private key (PEM)");
  run.add_option("--ca", state->ca, "CA (PEM) that signed the endpoints' certificates");
  run.add_option("--record-setup", options.record_setup_url,
                 "operator API base URL: each test's patient gets a record first");
  run.add_option("--operator-token", options.operator_token, "bearer token of the operator API");
  run.add_option("--patient-id", options.patient_id,
                 "patient for every test (CX); default: a fresh one per test");
  run.add_option("--patient-authority", options.patient_authority,
                 "assigning authority (OID) of generated patients (dmp: 1.2.250.1.213.1.4.10)");
  run.add_option("--vihf-signing-key", options.vihf_signing_key,
                 "private key (PEM) signing the VIHF of steps that send one");
  run.add_option("--vihf-signing-cert", options.vihf_signing_cert,
                 "its certificate (PEM), sent in the assertion's KeyInfo");
  run.add_option("--messages", state->messages,
                 "folder for the exchanged messages (default: <html>.messages)");
  run.add_option("--junit", state->junit, "JUnit XML report to write")->required();
  run.add_option("--html", state->html, "HTML report to write")->required();
  run.callback([state] { throw CLI::RuntimeError(run_conformance(*state)); });
}

}  // namespace passerelle::gateway
