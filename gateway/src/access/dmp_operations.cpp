#include "access/dmp_operations.hpp"

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"

namespace passerelle::gateway::access {
namespace {

// The body element `local` of the DMP namespace and its PatientId text.
std::string patient_of(const soap::SoapRequest& request, const char* local) {
  if (request.payload == nullptr || !xml::is_element(*request.payload, kDmpNamespace, local)) {
    throw Failure(codes::kMalformedEnvelope, "soap:Body",
                  std::string("the Body must contain ") + local + " (" + kDmpNamespace + ")");
  }
  const auto* patient = xml::first_child_element(*request.payload, kDmpNamespace, "PatientId");
  if (patient == nullptr || xml::text_content(*patient).empty()) {
    throw Failure(codes::kMalformedEnvelope, local, "dmp:PatientId is missing");
  }
  return xml::text_content(*patient);
}

const char* boolean(bool value) { return value ? "true" : "false"; }

}  // namespace

Operation make_record_status_operation(std::shared_ptr<const AccessControl> access) {
  Operation operation;
  operation.action = kRecordStatusAction;
  operation.handler = [access](const soap::SoapRequest& request, const CallContext& call) {
    const auto answer = access->record_status(call, patient_of(request, "RecordStatusRequest"));
    std::string body = std::string("<dmp:RecordStatusResponse xmlns:dmp=\"") + kDmpNamespace +
                       "\"><dmp:RecordExists>" + boolean(answer.exists) +
                       "</dmp:RecordExists><dmp:RecordClosed>" + boolean(answer.closed) +
                       "</dmp:RecordClosed><dmp:Authorisation status=\"" +
                       policy::to_string(answer.status.value) + "\"";
    if (answer.status.reason) {
      body += " reasonCode=\"" + xml::escape(answer.status.reason->code) + "\" reason=\"" +
              xml::escape(answer.status.reason->reason) + "\"";
    }
    body += "/><dmp:TreatingDoctor>" + std::string(boolean(answer.status.treating_doctor)) +
            "</dmp:TreatingDoctor></dmp:RecordStatusResponse>";
    return soap::SoapResponse{std::string(kRecordStatusAction) + "Response", "", body, {}, ""};
  };
  return operation;
}

Operation make_declare_consent_operation(std::shared_ptr<const AccessControl> access) {
  Operation operation;
  operation.action = kDeclareConsentAction;
  operation.handler = [access](const soap::SoapRequest& request, const CallContext& call) {
    const auto patient = patient_of(request, "DeclareConsentRequest");
    const auto* what = xml::first_child_element(*request.payload, kDmpNamespace, "Action");
    const std::string action = what == nullptr ? "declare" : xml::text_content(*what);
    if (action != "declare" && action != "end") {
      throw Failure(codes::kMalformedEnvelope, "dmp:Action",
                    "dmp:Action must be 'declare' or 'end'");
    }
    access->declare_consent(call, patient, action == "end");
    const std::string body = std::string("<dmp:DeclareConsentResponse xmlns:dmp=\"") +
                             kDmpNamespace + "\"><dmp:Action>" + action +
                             "</dmp:Action></dmp:DeclareConsentResponse>";
    return soap::SoapResponse{std::string(kDeclareConsentAction) + "Response", "", body, {}, ""};
  };
  return operation;
}

}  // namespace passerelle::gateway::access
