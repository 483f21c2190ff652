#pragma once

// What a run found: a verdict per test, per section and per step, with the
// reason and where the exchanged messages were saved.

#include <string>
#include <vector>

namespace passerelle::conformance {

enum class Verdict { Passed, Failed, NotApplicable };

std::string to_string(Verdict verdict);

struct StepResult {
  std::string id;
  std::string transaction;  // e.g. "ITI-42 Register"
  Verdict verdict = Verdict::Passed;
  std::string reason;              // why failed / not applicable; "" when passed
  std::vector<std::string> notes;  // what was not evaluated, and why
  std::vector<std::string> files;  // saved request/response files
  std::string request;             // kept for the HTML report of a failure
  std::string response;
  double seconds = 0;
};

struct SectionResult {
  std::string name;
  Verdict verdict = Verdict::NotApplicable;
  std::string reason;
  std::vector<StepResult> steps;
};

struct TestResult {
  std::string id;
  std::string description;
  std::vector<std::string> collections;
  Verdict verdict = Verdict::NotApplicable;
  std::string reason;
  std::vector<SectionResult> sections;
  double seconds = 0;
};

struct RunSummary {
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t skipped = 0;  // not applicable
};

struct RunResult {
  std::string testkit;   // where the tests came from
  std::string registry;  // endpoint URLs, for the reports
  std::string repository;
  std::vector<TestResult> tests;
  double seconds = 0;

  RunSummary summary() const;
  // "N passed, M failed, K skipped"
  std::string summary_line() const;
};

// A section: failed when a step failed, passed when one passed and none
// failed, else not applicable. A test: the same over its sections.
void settle(SectionResult& section);
void settle(TestResult& test);

}  // namespace passerelle::conformance
