#define BOOST_TEST_MODULE dmp_refusal_wire
#include <boost/test/unit_test.hpp>

// How a DMP policy refusal (gateway/policy refusal.hpp, DMP_* codes) looks
// on the wire (issue 6; dmp-xds-mapping.md §6-7, gateway/src/error_mapping.cpp):
// inside an XDS transaction it is a RegistryError whose errorCode is the
// code as is; in a DMP operation (urn:passerelle:dmp:*) it is a SOAP 1.2
// Sender fault (HTTP 400) whose Subcode is the code in the
// urn:passerelle:dmp namespace (not an IHE code) and whose Reason is the
// refusal's text.

#include "passerelle/core/xml.hpp"
#include "passerelle/registry/stored_query.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "policy_fixtures.hpp"
#include "remove_metadata_client.hpp"  // read_fault
#include "runtimes.hpp"
#include "soap_messages.hpp"

using namespace passerelle;
using namespace passerelle::testing;

namespace {

BOOST_TEST_GLOBAL_FIXTURE(XmlAndSignatureRuntimes);

constexpr const char* kStranger = "810000000003";  // no consent declared

HttpRequestBody declare_consent() {
  const std::string body =
      "<dmp:DeclareConsentRequest xmlns:dmp=\"urn:passerelle:dmp\"><dmp:PatientId>" +
      xml::escape(kTestPatient) +
      "</dmp:PatientId><dmp:Action>declare</dmp:Action></dmp:DeclareConsentRequest>";
  return {kSoapContentType, envelope("urn:passerelle:dmp:DeclareConsent",
                                     "urn:uuid:5b1e2c3a-0000-4000-8000-000000000961", body)};
}

}  // namespace

// R-AUTH-7 refused in a DMP operation: the Sender fault carries the code.
BOOST_AUTO_TEST_CASE(dmp_operation_refusal_is_a_fault_in_the_dmp_namespace) {
  XdsTestGateway gateway(nullptr, with_policy());
  const auto reply = gateway.post(
      "/xds/registry", with_vihf(declare_consent(), professional(kStranger, "bris_de_glace")));
  BOOST_TEST(reply.status == 400u);
  const FaultSeen fault = read_fault(reply);
  BOOST_TEST(fault.code == "Sender");
  BOOST_TEST(fault.subcode_namespace == "urn:passerelle:dmp");
  BOOST_TEST(fault.subcode == "DMP_AUTH_UNAVAILABLE_IN_EMERGENCY");
  BOOST_TEST(fault.reason == "consent declaration is unavailable in emergency access");
}

// R-AUTH-1 refused in ITI-18: a RegistryError with the code as errorCode.
BOOST_AUTO_TEST_CASE(xds_transaction_refusal_is_a_registry_error) {
  XdsTestGateway gateway(nullptr, with_policy());
  const auto reply = gateway.post(
      "/xds/registry",
      with_vihf(
          stored_query(registry::sq::kFindDocuments,
                       {{"$XDSDocumentEntryPatientId", {"'" + std::string(kTestPatient) + "'"}},
                        {"$XDSDocumentEntryStatus",
                         {"('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"}}}),
          professional(kStranger)));
  BOOST_TEST(reply.status == 200u);
  const auto answer = read_query_answer(reply);
  BOOST_TEST(answer.registry.status ==
             "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure");
  BOOST_TEST_REQUIRE(answer.registry.errors.size() == 1u);
  const auto& error = answer.registry.errors.front();
  BOOST_TEST(error.code == "DMP_AUTH_CONSENT_REQUIRED");
  BOOST_TEST(error.severity == "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error");
  BOOST_TEST(error.location == "AccessPolicy");
  BOOST_TEST(error.context ==
             "first access: declare that the patient, informed beforehand, consents");
  BOOST_TEST(answer.objects.empty());
}

// A DMP operation on a gateway whose profile has the access policy off (as
// under ihe-test): a Sender fault, and the gateway keeps serving (it used to
// dereference the habilitation matrix it never loaded, and die).
BOOST_AUTO_TEST_CASE(dmp_operation_without_the_access_policy_is_a_fault) {
  XdsTestGateway gateway;  // the policy is off unless asked for
  const std::string body =
      "<dmp:RecordStatusRequest xmlns:dmp=\"urn:passerelle:dmp\"><dmp:PatientId>" +
      xml::escape(kTestPatient) + "</dmp:PatientId></dmp:RecordStatusRequest>";
  const HttpRequestBody record_status{
      kSoapContentType, envelope("urn:passerelle:dmp:RecordStatus",
                                 "urn:uuid:5b1e2c3a-0000-4000-8000-000000000962", body)};
  for (const auto& request : {record_status, declare_consent()}) {
    const auto reply = gateway.post("/xds/registry", with_vihf(request, professional(kStranger)));
    BOOST_TEST(reply.status == 400u);
    const FaultSeen fault = read_fault(reply);
    BOOST_TEST(fault.code == "Sender");
    BOOST_TEST(fault.subcode == "DmpOperationWithoutAccessPolicy");
    BOOST_TEST(
        fault.reason.find("this DMP operation needs a profile with the access policy on") == 0u,
        fault.reason);
  }
  BOOST_TEST(gateway.post("/xds/registry", declare_consent()).status == 400u);  // still up
}
