#pragma once

// The conformance run's driver, private to conformance/src. Its members are
// defined by purpose: runner.cpp (selection, prerequisites, the per-test and
// per-step run), runner_transactions.cpp (SOAP transaction steps and their
// VIHF), runner_record_steps.cpp (operator API, record status, consent,
// traces), runner_checks.cpp (status, fault, reports, assertions, saved
// messages).

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "operator_api.hpp"
#include "passerelle/conformance/http_client.hpp"
#include "passerelle/conformance/placeholders.hpp"
#include "passerelle/conformance/runner.hpp"
#include "passerelle/conformance/testkit.hpp"
#include "passerelle/conformance/vihf_profiles.hpp"
#include "passerelle/conformance/xds_messages.hpp"
#include "passerelle/signature/signer.hpp"
#include "run_state.hpp"

namespace passerelle::conformance::detail {

// A step that cannot be run by this harness: reported as not applicable.
struct NotApplicable {
  std::string reason;
};

// One exchange the section keeps for its Assertions ("THIS" output).
struct LoggedStep {
  std::string id;
  std::string transaction;
  std::string input;   // metadata as sent (payload only)
  std::string result;  // payload of the reply
};

class Runner {
 public:
  explicit Runner(const RunOptions& options);

  RunResult run();

 private:
  // runner.cpp
  std::vector<std::string> selected_tests() const;
  void run_with_prerequisites(const std::string& id, RunResult& result, int depth);
  void finish(TestResult test, RunResult& result);
  TestResult run_test(const TestDefinition& test);
  void run_step(const TestDefinition& test, const Section& section, const TestStep& step,
                std::vector<LoggedStep>& log, StepResult& result);

  // runner_transactions.cpp
  std::string read_metadata(const Section& section, const TestStep& step,
                            const std::map<std::string, std::string>& symbols,
                            StepResult& result) const;
  std::filesystem::path resolve(const TestDefinition& test, const Section& section,
                                const std::string& file) const;
  IncomingMessage exchange(const Url& url, const OutgoingMessage& message, const StepKey& where,
                           StepResult& result);
  void submit(const TestDefinition& test, const Section& section, const TestStep& step,
              const StepKey& where, std::vector<LoggedStep>& log, StepResult& result);
  IncomingMessage send_as_written(const char* action, const Url& endpoint,
                                  const TestDefinition& test, const Section& section,
                                  const TestStep& step, const StepKey& where,
                                  std::vector<LoggedStep>& log, StepResult& result);
  void query(const TestDefinition& test, const Section& section, const TestStep& step,
             const StepKey& where, std::vector<LoggedStep>& log, StepResult& result);
  void retrieve(const TestDefinition& test, const Section& section, const TestStep& step,
                const StepKey& where, std::vector<LoggedStep>& log, StepResult& result);
  void remove(const TestDefinition& test, const Section& section, const TestStep& step,
              const StepKey& where, std::vector<LoggedStep>& log, StepResult& result);
  EnvelopeHook secure(const TestDefinition& test, const TestStep& step);

  // runner_record_steps.cpp
  OperatorApi& operator_api(const TestStep& step);
  void record_setup(const TestDefinition& test, const TestStep& step, StepResult& result);
  void dmp_operation(const TestDefinition& test, const TestStep& step, const StepKey& where,
                     std::vector<LoggedStep>& log, StepResult& result);
  void traces(const TestDefinition& test, const TestStep& step, const StepKey& where,
              StepResult& result);

  // runner_checks.cpp
  void save(const StepKey& where, const std::string& what, const std::string& content_type,
            const std::string& body, StepResult& result);
  static void check_status(const TestStep& step, const IncomingMessage& reply);
  static void check_fault(const TestStep& step, const IncomingMessage& reply);
  void evaluate_reports(const TestStep& step, const StepKey& where, const std::string& input,
                        const std::string& result_payload, StepResult& result);
  void check_assertions(const TestDefinition& test, const Section& section, const TestStep& step,
                        const std::vector<LoggedStep>& log, StepResult& result);

  const RunOptions& options_;
  Testkit testkit_;
  Url registry_;
  Url repository_;
  HttpClient http_;
  std::optional<OperatorApi> operator_api_;
  VihfProfiles profiles_;
  std::optional<signature::SigningKey> vihf_key_;  // loaded by the first step that signs
  IdFactory ids_;
  RunState state_;
  std::map<std::string, std::string> submitted_;  // document uniqueId → bytes sent
};

}  // namespace passerelle::conformance::detail
