#include "passerelle/conformance/results.hpp"

namespace passerelle::conformance {
namespace {

// Failed beats passed beats not applicable; the reason is the first one of
// the winning kind.
template <typename Part>
void settle_from(const std::vector<Part>& parts, const std::string& what, Verdict& verdict,
                 std::string& reason) {
  verdict = Verdict::NotApplicable;
  reason.clear();
  for (const auto& part : parts) {
    if (part.verdict == Verdict::Failed) {
      if (verdict != Verdict::Failed) reason = what + " " + part.id_or_name() + ": " + part.reason;
      verdict = Verdict::Failed;
    } else if (part.verdict == Verdict::Passed && verdict == Verdict::NotApplicable) {
      verdict = Verdict::Passed;
      reason.clear();
    } else if (part.verdict == Verdict::NotApplicable && verdict == Verdict::NotApplicable &&
               reason.empty()) {
      reason = part.reason;
    }
  }
  if (parts.empty() && reason.empty()) reason = "nothing to run";
}

struct StepView {
  const StepResult& step;
  Verdict verdict;
  std::string reason;
  std::string id_or_name() const { return step.id; }
};

struct SectionView {
  const SectionResult& section;
  Verdict verdict;
  std::string reason;
  std::string id_or_name() const { return section.name; }
};

}  // namespace

std::string to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Passed:
      return "passed";
    case Verdict::Failed:
      return "failed";
    case Verdict::NotApplicable:
      break;
  }
  return "not applicable";
}

void settle(SectionResult& section) {
  std::vector<StepView> views;
  for (const auto& step : section.steps) views.push_back({step, step.verdict, step.reason});
  settle_from(views, "step", section.verdict, section.reason);
}

void settle(TestResult& test) {
  std::vector<SectionView> views;
  for (const auto& section : test.sections) {
    views.push_back({section, section.verdict, section.reason});
  }
  if (!test.reason.empty() && test.sections.empty()) return;  // set by the runner
  settle_from(views, "section", test.verdict, test.reason);
}

RunSummary RunResult::summary() const {
  RunSummary summary;
  for (const auto& test : tests) {
    if (test.verdict == Verdict::Passed) ++summary.passed;
    if (test.verdict == Verdict::Failed) ++summary.failed;
    if (test.verdict == Verdict::NotApplicable) ++summary.skipped;
  }
  return summary;
}

std::string RunResult::summary_line() const {
  const auto counts = summary();
  return std::to_string(counts.passed) + " passed, " + std::to_string(counts.failed) + " failed, " +
         std::to_string(counts.skipped) + " skipped";
}

}  // namespace passerelle::conformance
