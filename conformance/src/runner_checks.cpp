// What a step checks and keeps: the reply's status or fault against the
// step's expectations, its reports and XPath assertions, and the exchanged
// messages saved for the report.

#include <string>
#include <vector>

#include "passerelle/conformance/placeholders.hpp"
#include "passerelle/conformance/xds_messages.hpp"
#include "passerelle/conformance/xpath.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "runner_impl.hpp"
#include "text.hpp"

namespace passerelle::conformance::detail {
namespace {

std::string section_log(const std::vector<LoggedStep>& log) {
  std::string out = "<TestResults>";
  for (const auto& step : log) {
    out += "<TestStep id=\"" + xml::escape(step.id) + "\"><" + step.transaction +
           "><InputMetadata>" + step.input + "</InputMetadata><Result>" + step.result +
           "</Result></" + step.transaction + "></TestStep>";
  }
  return out + "</TestResults>";
}

std::string status_word(const std::string& status) { return status.substr(status.rfind(':') + 1); }

}  // namespace

void Runner::save(const StepKey& where, const std::string& what, const std::string& content_type,
                  const std::string& body, StepResult& result) {
  if (options_.messages_dir.empty()) return;
  const auto path = options_.messages_dir / where.test /
                    (where.section.empty() ? "_" : where.section) /
                    (where.step + "." + what + ".txt");
  write_file(path, "Content-Type: " + content_type + "\n\n" + body);
  result.files.push_back(path.string());
}

// ExpectedStatus, ExpectedErrorCode and ExpectedErrorMessage.
void Runner::check_status(const TestStep& step, const IncomingMessage& reply) {
  if (step.expected_status == "Fault") {
    check_fault(step, reply);
    return;
  }
  if (reply.payload_name == "Fault") {
    throw Failure(kHarnessError, "status",
                  "SOAP fault instead of a response: " + reply.fault_reason);
  }
  const std::string got = status_word(reply.status);
  std::string detail;
  if (!reply.errors.empty()) {
    detail = " [" + reply.error_codes() + "]: " + reply.errors.front().context.substr(0, 300);
  }
  if (!step.expected_status.empty() && got != step.expected_status) {
    throw Failure(kHarnessError, "status",
                  "status " + (got.empty() ? std::string("(none)") : got) + ", expected " +
                      step.expected_status + detail);
  }
  for (const auto& code : step.expected_codes) {
    bool found = false;
    for (const auto& error : reply.errors) found = found || error.code == code;
    if (!found) {
      throw Failure(kHarnessError, "errors",
                    "expected errorCode " + code + ", got [" + reply.error_codes() + "]");
    }
  }
  // The toolkit looks for ExpectedErrorMessage in the error's text; the
  // testkit puts error codes there too, so the code or the text may carry it.
  for (const auto& message : step.expected_messages) {
    bool found = false;
    for (const auto& error : reply.errors) {
      found = found || error.code == message || error.context.find(message) != std::string::npos;
    }
    if (!found) {
      throw Failure(kHarnessError, "errors",
                    "expected error '" + message + "', got [" + reply.error_codes() + "]");
    }
  }
}

// ExpectedStatus Fault (suites of our own): a SOAP fault whose codes or
// reason carry every ExpectedErrorCode (a DMP refusal, a wsse code).
void Runner::check_fault(const TestStep& step, const IncomingMessage& reply) {
  if (reply.payload_name != "Fault") {
    throw Failure(kHarnessError, "status",
                  "expected a SOAP fault, got " + reply.payload_name + " status " +
                      reply.short_status() + " [" + reply.error_codes() + "]");
  }
  for (const auto& code : step.expected_codes) {
    if (reply.fault_reason.find(code) == std::string::npos) {
      throw Failure(kHarnessError, "errors",
                    "expected a fault with " + code + ", got: " + reply.fault_reason);
    }
  }
}

void Runner::evaluate_reports(const TestStep& step, const StepKey& where, const std::string& input,
                              const std::string& result_payload, StepResult& result) {
  for (const auto& report : step.reports) {
    const std::string& source = report.section == "InputMetadata" ? input : result_payload;
    if (source.empty()) continue;
    try {
      const auto document = xml::parse(source);
      state_.report(where, report.name, trim(xpath_string(document.dom(), report.xpath)));
    } catch (const Failure& failure) {
      result.notes.push_back("report " + report.name +
                             " not evaluated: " + failure.error().message);
    }
  }
}

// <Assertions>: XPath on the section's log so far ("THIS" output), with
// the step's UseId/UseReport symbols substituted first.
void Runner::check_assertions(const TestDefinition& test, const Section& section,
                              const TestStep& step, const std::vector<LoggedStep>& log,
                              StepResult& result) {
  if (step.assertions.empty()) return;
  const auto symbols = state_.symbols(test.id, section.name, step);
  const auto document = xml::parse(section_log(log));
  for (const auto& assertion : step.assertions) {
    const std::string expression = substitute(assertion.xpath, symbols, false);
    if (const auto left = first_placeholder(expression); !left.empty()) {
      result.notes.push_back("assertion " + assertion.id + " not evaluated: " + left +
                             " has no value in this harness");
      continue;
    }
    try {
      if (!xpath_boolean(document.dom(), expression)) {
        throw Failure(kHarnessError, assertion.id,
                      "assertion " + assertion.id + " does not hold: " + trim(expression));
      }
    } catch (const Failure& failure) {
      if (failure.error().code != kUnsupportedXPath) throw;
      result.notes.push_back("assertion " + assertion.id +
                             " not evaluated: " + failure.error().message);
    }
  }
}

}  // namespace passerelle::conformance::detail
