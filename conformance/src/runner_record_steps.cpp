// The steps that go through the operator API or the DMP operations: record
// setup, record status, consent, traces.

#include <string>
#include <vector>

#include "operator_api.hpp"
#include "passerelle/conformance/xds_messages.hpp"
#include "passerelle/core/error.hpp"
#include "runner_impl.hpp"
#include "text.hpp"

namespace passerelle::conformance::detail {

OperatorApi& Runner::operator_api(const TestStep& step) {
  if (!operator_api_) {
    throw NotApplicable{step.transaction + " needs the operator API (--record-setup)"};
  }
  return *operator_api_;
}

// RecordSetupTransaction: the patient's choices, in order.
void Runner::record_setup(const TestDefinition& test, const TestStep& step, StepResult& result) {
  auto& api = operator_api(step);
  for (const auto& change : step.record_changes) {
    api.apply(change, state_.patient(test.id), profiles_);
    result.notes.push_back("operator API: " + change.what + " done");
  }
}

// RecordStatus / DeclareConsent (docs/dmp-operations.xsd) to the registry.
void Runner::dmp_operation(const TestDefinition& test, const TestStep& step, const StepKey& where,
                           std::vector<LoggedStep>& log, StepResult& result) {
  const std::string& patient = state_.patient(test.id);
  const bool status = step.kind == StepKind::RecordStatus;
  const std::string request = status ? record_status_request(patient)
                                     : declare_consent_request(patient, step.consent_action);
  const auto reply = exchange(registry_,
                              soap_request(status ? action::kRecordStatus : action::kDeclareConsent,
                                           request, registry_.str(), secure(test, step)),
                              where, result);
  log.push_back({step.id, step.transaction, request, reply.payload});
  check_status(step, reply);
}

// TracesTransaction: GET the record's traces, check each ExpectedTrace.
void Runner::traces(const TestDefinition& test, const TestStep& step, const StepKey& where,
                    StepResult& result) {
  const auto body = operator_api(step).traces(state_.patient(test.id));
  result.response = body;
  save(where, "response", "application/json", body, result);
  for (const auto& expected : step.expected_traces) {
    if (const auto why = check_trace(body, expected, profiles_)) {
      throw Failure(kHarnessError, "traces", "ExpectedTrace: " + *why);
    }
  }
}

}  // namespace passerelle::conformance::detail
