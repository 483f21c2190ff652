#pragma once

// The reports a tester hands over: JUnit XML (one testsuite per test, one
// testcase per section) for CI, and a self-contained HTML page (inline CSS,
// failed exchanges embedded) for people.

#include <string>

#include "passerelle/conformance/results.hpp"

namespace passerelle::conformance {

std::string junit_xml(const RunResult& run);
std::string html_report(const RunResult& run);

}  // namespace passerelle::conformance
