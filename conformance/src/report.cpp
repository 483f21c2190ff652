#include "passerelle/conformance/report.hpp"

#include <cstdio>
#include <filesystem>
#include <string_view>

#include "passerelle/core/xml.hpp"

namespace passerelle::conformance {
namespace {

std::string seconds(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", value);
  return buffer;
}

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xml::escape(value) + "\"";
}

std::string join(const std::vector<std::string>& words, const std::string& separator) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : separator) + word;
  return out;
}

std::string step_line(const StepResult& step) {
  std::string line = step.id + " (" + step.transaction + "): " + to_string(step.verdict);
  if (!step.reason.empty()) line += " - " + step.reason;
  for (const auto& note : step.notes) line += "\n    note: " + note;
  for (const auto& file : step.files) line += "\n    message: " + file;
  return line;
}

// Keeps a report readable when a reply is huge (a retrieved document).
std::string clipped(const std::string& text) {
  constexpr std::size_t kMax = 64 * 1024;
  if (text.size() <= kMax) return text;
  return text.substr(0, kMax) + "\n… (" + std::to_string(text.size() - kMax) +
         " more bytes, see the saved message)";
}

constexpr const char* kStyle = R"(
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:90em}
h1{font-size:1.5em}table{border-collapse:collapse;width:100%;margin:1em 0;table-layout:fixed}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
col.id{width:14em}col.kind{width:12em}col.verdict{width:6.5em}
th{background:#f0f0f0}.passed{color:#155724;background:#d4edda}
.failed{color:#721c24;background:#f8d7da}.na{color:#555;background:#eee}
.summary span{display:inline-block;padding:.3em .8em;margin-right:.5em;border-radius:.3em;font-weight:bold}
details{margin:.5em 0;border:1px solid #ddd;border-radius:.3em;padding:.3em .6em}
summary{cursor:pointer}pre{background:#f7f7f7;padding:.5em;overflow:auto;max-height:30em;white-space:pre-wrap;word-break:break-all}
.note{color:#665;font-size:.9em}code{font-size:.95em}
)";

std::string css_class(Verdict verdict) {
  if (verdict == Verdict::Passed) return "passed";
  if (verdict == Verdict::Failed) return "failed";
  return "na";
}

std::string verdict_cell(Verdict verdict) {
  return "<td class=\"" + css_class(verdict) + "\">" + xml::escape(to_string(verdict)) + "</td>";
}

std::string html_step(const StepResult& step) {
  std::string out = "<tr><td><code>" + xml::escape(step.id) + "</code></td><td>" +
                    xml::escape(step.transaction) + "</td>" + verdict_cell(step.verdict) + "<td>" +
                    xml::escape(step.reason);
  for (const auto& note : step.notes) {
    out += "<div class=\"note\">note: " + xml::escape(note) + "</div>";
  }
  for (const auto& file : step.files) {
    out += "<div class=\"note\">saved: <code>" + xml::escape(file) + "</code></div>";
  }
  if (step.verdict == Verdict::Failed && !(step.request.empty() && step.response.empty())) {
    out += "<details><summary>request</summary><pre>" + xml::escape(clipped(step.request)) +
           "</pre></details><details><summary>response</summary><pre>" +
           xml::escape(clipped(step.response)) + "</pre></details>";
  }
  return out + "</td></tr>";
}

// The report's title: the suite's folder name ("nist-testkit", "dmp").
std::string suite_name(const std::string& testkit) {
  auto path = std::filesystem::path(testkit).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();
  return path.filename().empty() ? testkit : path.filename().string();
}

}  // namespace

std::string junit_xml(const RunResult& run) {
  const auto counts = run.summary();
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" +
      attr("name", "passerelle conformance") + attr("tests", std::to_string(run.tests.size())) +
      attr("failures", std::to_string(counts.failed)) +
      attr("skipped", std::to_string(counts.skipped)) + attr("time", seconds(run.seconds)) + ">\n";
  for (const auto& test : run.tests) {
    std::size_t failures = 0, skipped = 0;
    for (const auto& section : test.sections) {
      failures += section.verdict == Verdict::Failed ? 1 : 0;
      skipped += section.verdict == Verdict::NotApplicable ? 1 : 0;
    }
    const bool empty = test.sections.empty();
    if (empty) {
      failures = test.verdict == Verdict::Failed ? 1 : 0;
      skipped = test.verdict == Verdict::NotApplicable ? 1 : 0;
    }
    const std::string classname = "nist." + test.id;
    out += " <testsuite" + attr("name", classname) +
           attr("tests", std::to_string(empty ? 1 : test.sections.size())) +
           attr("failures", std::to_string(failures)) + attr("skipped", std::to_string(skipped)) +
           attr("time", seconds(test.seconds)) + ">\n  <properties><property" +
           attr("name", "collections") + attr("value", join(test.collections, " ")) +
           "/><property" + attr("name", "verdict") + attr("value", to_string(test.verdict)) +
           "/></properties>\n";
    if (empty) {
      out += "  <testcase" + attr("classname", classname) + attr("name", "(test)") + ">";
      if (test.verdict == Verdict::Failed) {
        out += "<failure" + attr("message", test.reason) + "/>";
      } else if (test.verdict == Verdict::NotApplicable) {
        out += "<skipped" + attr("message", test.reason) + "/>";
      }
      out += "</testcase>\n";
    }
    for (const auto& section : test.sections) {
      double time = 0;
      std::string log;
      for (const auto& step : section.steps) {
        time += step.seconds;
        log += step_line(step) + "\n";
      }
      out += "  <testcase" + attr("classname", classname) + attr("name", section.name) +
             attr("time", seconds(time)) + ">";
      if (section.verdict == Verdict::Failed) {
        out += "<failure" + attr("message", section.reason) + ">" + xml::escape(log) + "</failure>";
      } else if (section.verdict == Verdict::NotApplicable) {
        out += "<skipped" + attr("message", section.reason) + "/>";
      }
      out += "<system-out>" + xml::escape(log) + "</system-out></testcase>\n";
    }
    out += " </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

std::string html_report(const RunResult& run) {
  const auto counts = run.summary();
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>Passerelle conformance report</title><style>" +
      std::string(kStyle) +
      "</style></head><body>\n<h1>Conformance report: " + xml::escape(suite_name(run.testkit)) +
      "</h1>\n<p>Registry "
      "<code>" +
      xml::escape(run.registry) + "</code>, repository <code>" + xml::escape(run.repository) +
      "</code>, testkit <code>" + xml::escape(run.testkit) + "</code>, " +
      std::to_string(run.tests.size()) + " tests in " + seconds(run.seconds) +
      " s.</p>\n<p class=\"summary\"><span class=\"passed\">" + std::to_string(counts.passed) +
      " passed</span><span class=\"failed\">" + std::to_string(counts.failed) +
      " failed</span><span class=\"na\">" + std::to_string(counts.skipped) +
      " skipped (not applicable)</span></p>\n<table><colgroup><col class=\"id\"><col "
      "class=\"kind\"><col class=\"verdict\"><col><col></colgroup><tr><th>test</th>"
      "<th>collections</th><th>verdict</th><th>reason</th><th>description</th></tr>\n";
  for (const auto& test : run.tests) {
    out += "<tr><td><a href=\"#t-" + xml::escape(test.id) + "\">" + xml::escape(test.id) +
           "</a></td><td>" + xml::escape(join(test.collections, " ")) + "</td>" +
           verdict_cell(test.verdict) + "<td>" + xml::escape(test.reason) + "</td><td>" +
           xml::escape(test.description) + "</td></tr>\n";
  }
  out += "</table>\n<h2>Details</h2>\n";
  for (const auto& test : run.tests) {
    out += "<details id=\"t-" + xml::escape(test.id) + "\"" +
           (test.verdict == Verdict::Failed ? " open" : "") + "><summary><b>" +
           xml::escape(test.id) + "</b> <span class=\"" + css_class(test.verdict) + "\">" +
           xml::escape(to_string(test.verdict)) + "</span> " + xml::escape(test.description) +
           "</summary>\n";
    if (test.sections.empty()) out += "<p>" + xml::escape(test.reason) + "</p>";
    for (const auto& section : test.sections) {
      out += "<h4>section <code>" + xml::escape(section.name) + "</code>: <span class=\"" +
             css_class(section.verdict) + "\">" + xml::escape(to_string(section.verdict)) +
             "</span></h4>\n<table><colgroup><col class=\"id\"><col class=\"kind\"><col "
             "class=\"verdict\"><col></colgroup><tr><th>step</th><th>transaction</th>"
             "<th>verdict</th><th>reason, notes, messages</th></tr>\n";
      for (const auto& step : section.steps) out += html_step(step) + "\n";
      out += "</table>\n";
    }
    out += "</details>\n";
  }
  return out + "<p>" + xml::escape(run.summary_line()) + "</p>\n</body></html>\n";
}

}  // namespace passerelle::conformance
