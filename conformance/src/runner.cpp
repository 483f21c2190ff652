#include "passerelle/conformance/runner.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>
#include <thread>

#include "passerelle/conformance/ebxml21_to_30.hpp"
#include "passerelle/conformance/testkit.hpp"
#include "passerelle/core/error.hpp"
#include "runner_impl.hpp"
#include "text.hpp"

namespace passerelle::conformance::detail {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

}  // namespace

Runner::Runner(const RunOptions& options)
    : options_(options),
      testkit_(options.testkit),
      registry_(Url::parse(options.registry_url)),
      repository_(Url::parse(options.repository_url)),
      http_(options.tls, options.timeout),
      ids_(options.oid_root, static_cast<std::uint64_t>(std::time(nullptr))) {
  if (!options.record_setup_url.empty()) {
    operator_api_.emplace(http_, Url::parse(options.record_setup_url), options.operator_token);
  }
  // A suite of our own names its professionals beside tests/.
  if (const auto file = options.testkit / "vihf-profiles.xml"; fs::exists(file)) {
    profiles_ = parse_vihf_profiles(read_file(file), file.string());
  }
}

RunResult Runner::run() {
  const auto start = Clock::now();
  RunResult result;
  result.testkit = options_.testkit.string();
  result.registry = registry_.str();
  result.repository = repository_.str();
  for (const auto& id : selected_tests()) {
    if (state_.ran(id)) continue;  // already run as another test's prerequisite
    run_with_prerequisites(id, result, 0);
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

std::vector<std::string> Runner::selected_tests() const {
  std::vector<std::string> ids;
  if (!options_.collection.empty()) {
    ids = testkit_.collection(options_.collection);
    if (ids.empty()) {
      throw Failure(kHarnessError, options_.collection,
                    "no test of the testkit is in collection '" + options_.collection + "'");
    }
  }
  for (const auto& id : options_.tests) {
    if (!testkit_.has_test(id)) {
      throw Failure(kHarnessError, id, "no test '" + id + "' in " + options_.testkit.string());
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  if (ids.empty()) throw Failure(kHarnessError, "", "no test selected (--tests or --collection)");
  return ids;
}

// A test whose steps use another test's objects (UseId testdir
// "../../12346/…") needs that test run first, as the toolkit's test data.
void Runner::run_with_prerequisites(const std::string& id, RunResult& result, int depth) {
  std::optional<TestDefinition> test;
  try {
    test = testkit_.load(id);
  } catch (const std::exception& error) {
    TestResult failed;
    failed.id = id;
    failed.verdict = Verdict::Failed;
    failed.reason = std::string("cannot read the test: ") + error.what();
    state_.set_patients(id, "", "", "");
    finish(failed, result);
    return;
  }
  for (const auto& section : test->sections) {
    for (const auto& step : section.steps) {
      for (const auto& use : step.use_ids) {
        const auto other = RunState::test_of(use.testdir);
        if (!other.empty() && other != id && !state_.ran(other) && depth < 3 &&
            testkit_.has_test(other)) {
          run_with_prerequisites(other, result, depth + 1);
        }
      }
    }
  }
  finish(run_test(*test), result);
}

void Runner::finish(TestResult test, RunResult& result) {
  if (options_.on_test) options_.on_test(test);
  result.tests.push_back(std::move(test));
}

TestResult Runner::run_test(const TestDefinition& test) {
  const auto start = Clock::now();
  TestResult result;
  result.id = test.id;
  result.description = test.description;
  result.collections = test.collections;
  const std::string type_code = options_.patient_type_code.value_or(operator_api_ ? "NH" : "");
  const std::string patient = options_.patient_id.empty()
                                  ? ids_.patient(options_.patient_authority, type_code)
                                  : options_.patient_id;
  const std::string second = ids_.patient(options_.patient_authority, type_code);
  state_.set_patients(test.id, patient, second,
                      ids_.patient(options_.patient_authority, type_code));
  std::string setup_error;
  if (operator_api_) {
    try {
      operator_api_->create_record(patient, test.id);
      operator_api_->create_record(second, test.id);
    } catch (const std::exception& error) {
      setup_error = error.what();
    }
  }
  for (const auto& section : test.sections) {
    SectionResult section_result;
    section_result.name = section.name;
    std::vector<LoggedStep> log;
    // The toolkit runs each section on its own: a <NewPatientId/> holds
    // for the rest of its section only.
    const std::string section_patient = setup_error.empty() ? state_.patient(test.id) : "";
    for (const auto& step : section.steps) {
      const auto step_start = Clock::now();
      StepResult step_result;
      step_result.id = step.id;
      step_result.transaction = to_string(step.kind);
      if (!setup_error.empty()) {
        step_result.verdict = Verdict::Failed;
        step_result.reason = "patient record setup failed: " + setup_error;
      } else {
        run_step(test, section, step, log, step_result);
      }
      step_result.seconds = std::chrono::duration<double>(Clock::now() - step_start).count();
      section_result.steps.push_back(std::move(step_result));
    }
    if (setup_error.empty() && state_.patient(test.id) != section_patient) {
      state_.trade_patients(test.id);
    }
    settle(section_result);
    result.sections.push_back(std::move(section_result));
  }
  settle(result);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

void Runner::run_step(const TestDefinition& test, const Section& section, const TestStep& step,
                      std::vector<LoggedStep>& log, StepResult& result) {
  try {
    if (!step.unknown_elements.empty()) {
      std::string names;
      for (const auto& name : step.unknown_elements) names += (names.empty() ? "" : ", ") + name;
      result.notes.push_back("instructions not mapped by the harness, ignored: " + names);
    }
    const StepKey where{test.id, section.name, step.id};
    if (step.wait_before_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(step.wait_before_ms));
    }
    switch (step.kind) {
      case StepKind::ProvideAndRegister:
      case StepKind::Register:
      case StepKind::Update:
        submit(test, section, step, where, log, result);
        break;
      case StepKind::StoredQuery:
        query(test, section, step, where, log, result);
        break;
      case StepKind::Retrieve:
        retrieve(test, section, step, where, log, result);
        break;
      case StepKind::RemoveMetadata:
        remove(test, section, step, where, log, result);
        break;
      case StepKind::PatientFeed:
        if (!operator_api_) {
          throw NotApplicable{
              "Patient Identity Feed: no --record-setup; the endpoint is "
              "assumed to know the test's patient"};
        }
        result.notes.push_back("patient " + state_.patient(test.id) +
                               " created through the operator API before the test");
        break;
      case StepKind::Null:
        break;
      case StepKind::RecordSetup:
        record_setup(test, step, result);
        break;
      case StepKind::RecordStatus:
      case StepKind::DeclareConsent:
        dmp_operation(test, step, where, log, result);
        break;
      case StepKind::Traces:
        traces(test, step, where, result);
        break;
      case StepKind::Other:
        if (step.transaction.empty() && step.new_patient_id) {
          // The second patient has a record like the first: the registry
          // knows it, so what the next steps meet is the patient change.
          state_.trade_patients(test.id);
          result.notes.push_back("<NewPatientId/>: the next steps of the section use patient " +
                                 state_.patient(test.id));
          break;
        }
        throw NotApplicable{"transaction <" + step.transaction +
                            "> is not supported by the harness (XDS.b registry/repository "
                            "transactions only)"};
    }
    check_assertions(test, section, step, log, result);
  } catch (const NotApplicable& skip) {
    result.verdict = Verdict::NotApplicable;
    result.reason = skip.reason;
  } catch (const Failure& failure) {
    const auto& code = failure.error().code;
    if (code == kUnsupportedConstruct) {
      result.verdict = Verdict::NotApplicable;
      result.reason =
          "metadata uses a construct the harness does not translate: " + failure.error().message;
    } else {
      result.verdict = Verdict::Failed;
      result.reason = failure.error().message.empty() ? failure.what() : failure.error().message;
    }
  } catch (const std::exception& error) {
    result.verdict = Verdict::Failed;
    result.reason = error.what();
  }
}

}  // namespace passerelle::conformance::detail

namespace passerelle::conformance {

RunResult run_conformance(const RunOptions& options) { return detail::Runner(options).run(); }

}  // namespace passerelle::conformance
