#define BOOST_TEST_MODULE conformance_report
#include <boost/test/unit_test.hpp>

// Verdict roll-up, the closing line, the JUnit XML and the HTML report.

#include "passerelle/conformance/report.hpp"
#include "passerelle/core/xml.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::conformance;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};

StepResult step(const std::string& id, Verdict verdict, const std::string& reason = "") {
  StepResult out;
  out.id = id;
  out.transaction = "ITI-42 Register";
  out.verdict = verdict;
  out.reason = reason;
  out.request = "<req/>";
  out.response = "<resp a=\"<&>\"/>";
  return out;
}

TestResult test(const std::string& id, std::vector<std::vector<StepResult>> sections) {
  TestResult out;
  out.id = id;
  out.description = "Register <one> & check";
  out.collections = {"R.b", "reg"};
  int n = 0;
  for (auto& steps : sections) {
    SectionResult section;
    section.name = "section" + std::to_string(++n);
    section.steps = std::move(steps);
    settle(section);
    out.sections.push_back(std::move(section));
  }
  settle(out);
  return out;
}

RunResult sample() {
  RunResult run;
  run.registry = "https://localhost/xds/registry";
  run.repository = "https://localhost/xds/repository";
  run.testkit = "/testkit";
  run.tests.push_back(
      test("1", {{step("a", Verdict::Passed)}, {step("b", Verdict::NotApplicable, "no feed")}}));
  run.tests.push_back(
      test("2", {{step("a", Verdict::Passed),
                  step("b", Verdict::Failed, "status Failure <x>, expected Success")}}));
  run.tests.push_back(test("3", {{step("a", Verdict::NotApplicable, "XCA not supported")}}));
  return run;
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

BOOST_AUTO_TEST_CASE(verdicts_roll_up) {
  const auto run = sample();
  BOOST_TEST((run.tests[0].verdict == Verdict::Passed));
  BOOST_TEST((run.tests[0].sections[1].verdict == Verdict::NotApplicable));
  BOOST_TEST(run.tests[0].sections[1].reason == "no feed");
  BOOST_TEST((run.tests[1].verdict == Verdict::Failed));
  BOOST_TEST(run.tests[1].reason ==
             "section section1: step b: status Failure <x>, expected Success");
  BOOST_TEST((run.tests[2].verdict == Verdict::NotApplicable));
  BOOST_TEST(run.summary_line() == "1 passed, 1 failed, 1 skipped");
}

BOOST_AUTO_TEST_CASE(junit_is_xml_with_counts) {
  const auto junit = junit_xml(sample());
  const auto document = xml::parse(junit);
  const auto& root = document.root();
  BOOST_TEST(xml::local_name(root) == "testsuites");
  BOOST_TEST(*xml::attribute(root, "tests") == "3");
  BOOST_TEST(*xml::attribute(root, "failures") == "1");
  BOOST_TEST(*xml::attribute(root, "skipped") == "1");
  const auto suites = xml::child_elements(root);
  BOOST_TEST_REQUIRE(suites.size() == 3u);
  BOOST_TEST(*xml::attribute(*suites[1], "name") == "nist.2");
  BOOST_TEST(*xml::attribute(*suites[1], "failures") == "1");
  const auto cases = xml::child_elements(*suites[1], "", "testcase");
  BOOST_TEST_REQUIRE(cases.size() == 1u);
  const auto* failure = xml::first_child_element(*cases[0], "", "failure");
  BOOST_TEST_REQUIRE(failure != nullptr);
  BOOST_TEST(xml::attribute(*failure, "message")->find("<x>") != std::string::npos);
  const auto skipped = xml::child_elements(*suites[0], "", "testcase");
  BOOST_TEST_REQUIRE(skipped.size() == 2u);
  BOOST_TEST(xml::first_child_element(*skipped[1], "", "skipped") != nullptr);
}

BOOST_AUTO_TEST_CASE(html_is_self_contained_and_escaped) {
  const auto html = html_report(sample());
  BOOST_TEST(html.rfind("<!DOCTYPE html>", 0) == 0u);
  BOOST_TEST(html.find("<style>") != std::string::npos);
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(html.find("<link") == std::string::npos);
  BOOST_TEST(html.find("Register &lt;one&gt; &amp; check") != std::string::npos);
  BOOST_TEST(html.find("Register <one>") == std::string::npos);
  // The failed step's exchange is embedded, escaped.
  BOOST_TEST(html.find("&lt;resp a=") != std::string::npos);
  BOOST_TEST(html.find("1 passed, 1 failed, 1 skipped") != std::string::npos);
}
