#pragma once

// Runs testkit tests against a registry and a repository endpoint: reads
// each test, sends what its steps say (ITI-41, 42, 18, 43, 57, 62; patient
// setup through the operator API), carries the state the steps share
// (assigned uniqueIds and UUIDs, reports, patients) and checks what comes
// back. The format is the NIST testkit's; a suite of our own in the same
// format (conformance/suites/<name>, holding tests/) runs the same way.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "passerelle/conformance/http_client.hpp"
#include "passerelle/conformance/results.hpp"

namespace passerelle::conformance {

struct RunOptions {
  std::string registry_url;    // ITI-42, 18, 57, 62
  std::string repository_url;  // ITI-41, 43
  TlsFiles tls;
  std::filesystem::path testkit;   // the folder holding tests/
  std::vector<std::string> tests;  // ids; with `collection`, the union
  std::string collection;
  // Operator API base URL (https://host:port) and its bearer token: each
  // test's patient gets a record before the test runs. Empty = none.
  std::string record_setup_url;
  std::string operator_token;
  // One patient for every test; empty = a fresh one per test.
  std::string patient_id;
  std::string patient_authority = "1.3.6.1.4.1.21367.13.20.1000";
  // CX.5 of generated patients; nullopt = "NH" with record setup (the
  // Passerelle operator API takes DMP-style ids only), else none.
  std::optional<std::string> patient_type_code;
  // sourceId given to every SubmissionSet, as the toolkit does.
  std::string source_id = "1.3.6.1.4.1.21367.2005.3.99.1";
  std::string oid_root = "1.3.6.1.4.1.21367.2005.3.99";
  // Every exchanged message is saved under <messages_dir>/<test>/<section>/.
  // Empty = not saved (failed exchanges are still in the HTML report).
  std::filesystem::path messages_dir;
  std::chrono::seconds timeout{60};
  // Signer of the VIHF a suite step asks for (<Vihf profile=…/>; the
  // profiles are the suite's vihf-profiles.xml): PEM key and certificate.
  // Empty = such steps fail, saying so. Signing needs a signature::Runtime.
  std::filesystem::path vihf_signing_key;
  std::filesystem::path vihf_signing_cert;
  // Called after each test (progress on a terminal).
  std::function<void(const TestResult&)> on_test;
};

// Throws Failure when the options are unusable (bad URL, no testkit, no test
// selected, unknown test id); per-test problems are verdicts, not throws.
RunResult run_conformance(const RunOptions& options);

}  // namespace passerelle::conformance
