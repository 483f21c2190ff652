#define BOOST_TEST_MODULE conformance_dmp_steps
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.

// What the harness reads for suites of our own (conformance/suites/dmp):
// the testplan elements of DMP steps, a suite's vihf-profiles.xml, and the
// signed VIHF built from a profile, which the gateway's own reader accepts.

#include "passerelle/conformance/testkit.hpp"
#include "passerelle/conformance/vihf_assertion.hpp"
#include "passerelle/conformance/vihf_profiles.hpp"
#include "passerelle/conformance/xds_messages.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/signature/signer.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "passerelle/soap/wss.hpp"
#include "test_server.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::conformance;

struct Runtimes {
  xml::Runtime xml_runtime;
  signature::Runtime signature_runtime;
};

constexpr const char* kHarnessError = "ConformanceHarnessError";
constexpr const char* kPatient = "P42^^^&1.2.250.1.213.1.4.10&ISO^NH";

constexpr const char* kProfiles = R"(<VihfProfiles>
  <Profile name="doctor" personId="012345678902" displayName="BERNARD LUC" structure="10B0152872">
    <Profession code="10" codeSystem="1.2.250.1.71.1.2.7" displayName="Médecin"/>
    <Speciality code="SM26" codeSystem="1.2.250.1.71.4.2.5"/>
  </Profile>
  <Profile name="nurse" personId="012345678903" displayName="PETIT ANNE" structure="10B0152872"
           purpose="centre_15" secret="true">
    <Profession code="60" codeSystem="1.2.250.1.71.1.2.7"/>
  </Profile>
</VihfProfiles>)";

// The Failure's code and message, for exact checks.
std::pair<std::string, std::string> failure_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Failure& failure) {
    return {failure.error().code, failure.error().message};
  }
  return {"", "no failure"};
}

std::string vihf_profiles_with(const std::string& profile) {
  return "<VihfProfiles>" + profile + "</VihfProfiles>";
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(Runtimes);

BOOST_AUTO_TEST_CASE(dmp_step_elements_are_read) {
  const auto steps = parse_testplan(R"(<TestPlan>
  <TestStep id="consent"><ExpectedStatus>Fault</ExpectedStatus>
    <ExpectedErrorCode>DMP_AUTH_UNAVAILABLE_IN_EMERGENCY</ExpectedErrorCode>
    <DeclareConsentTransaction><Vihf profile="doctor" purpose="bris_de_glace" patient="second"/>
      <Action>end</Action></DeclareConsentTransaction></TestStep>
  <TestStep id="setup"><RecordSetupTransaction><Block profile="nurse"/>
    <Emergency bris_de_glace="opposed" centre_15="allowed"/></RecordSetupTransaction></TestStep>
  <TestStep id="traces"><TracesTransaction>
    <ExpectedTrace profile="doctor" outcome="refused"/><ExpectedTrace outcome="allowed" present="false"/>
  </TracesTransaction></TestStep>
  <TestStep id="status"><RecordStatusTransaction><WaitBefore>5</WaitBefore><Vihf profile="nurse"/>
  </RecordStatusTransaction></TestStep>
</TestPlan>)");
  BOOST_TEST_REQUIRE(steps.size() == 4u);
  const auto& consent = steps[0];
  BOOST_TEST((consent.kind == StepKind::DeclareConsent));
  BOOST_TEST(consent.expected_status == "Fault");
  BOOST_TEST(consent.consent_action == "end");
  BOOST_TEST_REQUIRE(consent.vihf.has_value());
  BOOST_TEST(consent.vihf->profile == "doctor");
  BOOST_TEST(consent.vihf->patient == "second");
  BOOST_TEST((consent.vihf->overrides ==
              std::map<std::string, std::string>{{"purpose", "bris_de_glace"}}));
  BOOST_TEST(consent.unknown_elements.empty());

  const auto& setup = steps[1];
  BOOST_TEST((setup.kind == StepKind::RecordSetup));
  BOOST_TEST_REQUIRE(setup.record_changes.size() == 2u);
  BOOST_TEST(setup.record_changes[0].what == "Block");
  BOOST_TEST(setup.record_changes[0].attributes.at("profile") == "nurse");
  BOOST_TEST(setup.record_changes[1].attributes.at("bris_de_glace") == "opposed");

  const auto& traces = steps[2];
  BOOST_TEST((traces.kind == StepKind::Traces));
  BOOST_TEST_REQUIRE(traces.expected_traces.size() == 2u);
  BOOST_TEST(traces.expected_traces[0].present);
  BOOST_TEST(traces.expected_traces[0].attributes.at("profile") == "doctor");
  BOOST_TEST(!traces.expected_traces[1].present);
  BOOST_TEST(!traces.expected_traces[1].attributes.contains("present"));

  BOOST_TEST((steps[3].kind == StepKind::RecordStatus));
  BOOST_TEST(steps[3].wait_before_ms == 5u);
  BOOST_TEST(!steps[1].vihf.has_value());
}

BOOST_AUTO_TEST_CASE(bad_vihf_elements_are_refused_by_name) {
  const auto no_profile = failure_of([] {
    parse_testplan(
        "<TestPlan><TestStep id='s'><StoredQueryTransaction><Vihf/>"
        "</StoredQueryTransaction></TestStep></TestPlan>");
  });
  BOOST_TEST(no_profile.first == kHarnessError);
  BOOST_TEST(no_profile.second == "<Vihf> without profile=");
  const auto bad_patient = failure_of([] {
    parse_testplan(
        "<TestPlan><TestStep id='s'><StoredQueryTransaction><Vihf profile='a' "
        "patient='other'/></StoredQueryTransaction></TestStep></TestPlan>");
  });
  BOOST_TEST(bad_patient.first == kHarnessError);
  BOOST_TEST(bad_patient.second == "<Vihf patient=\"other\">: expected test, second or alt");
}

BOOST_AUTO_TEST_CASE(profiles_are_read_and_resolved) {
  const auto profiles = parse_vihf_profiles(kProfiles, "vihf-profiles.xml");
  BOOST_TEST_REQUIRE(profiles.size() == 2u);
  const auto& doctor = profiles.at("doctor");
  BOOST_TEST(doctor.person_id == "012345678902");
  BOOST_TEST(doctor.profession.code == "10");
  BOOST_TEST_REQUIRE(doctor.speciality.has_value());
  BOOST_TEST(doctor.speciality->code == "SM26");
  BOOST_TEST(doctor.purpose == "normal");
  BOOST_TEST(doctor.sector == "SA07");
  BOOST_TEST(profiles.at("nurse").secret_connection);
  BOOST_TEST(profiles.at("nurse").purpose == "centre_15");

  VihfRequest request;
  request.profile = "doctor";
  request.overrides = {{"purpose", "bris_de_glace"}, {"authentication", "DIRECTE"}};
  const auto resolved = resolve_vihf(profiles, request);
  BOOST_TEST(resolved.purpose == "bris_de_glace");
  BOOST_TEST(resolved.authentication == "DIRECTE");

  request.profile = "surgeon";
  const auto unknown = failure_of([&] { resolve_vihf(profiles, request); });
  BOOST_TEST(unknown.first == kHarnessError);
  BOOST_TEST(unknown.second == "<Vihf profile=\"surgeon\">: no such profile in vihf-profiles.xml");
  request.profile = "doctor";
  request.overrides = {{"purpose", "curiosity"}};
  const auto purpose = failure_of([&] { resolve_vihf(profiles, request); });
  BOOST_TEST(purpose.second ==
             "<Vihf profile=\"doctor\">: purpose 'curiosity' is not normal, bris_de_glace or "
             "centre_15");
  request.overrides = {{"colour", "blue"}};
  BOOST_TEST(failure_of([&] { resolve_vihf(profiles, request); }).second ==
             "<Vihf profile=\"doctor\">: unknown VIHF setting 'colour'");
}

BOOST_AUTO_TEST_CASE(bad_profiles_are_refused_by_name) {
  const std::string profession =
      "<Profession code='10' codeSystem='1.2.250.1.71.1.2.7'/></Profile>";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<Profile name='a' displayName='X' structure='10B0152872'>" + profession,
       "p profile 'a': attribute personId is required"},
      {"<Profile name='a' personId='012345678901' displayName='X' structure='10B0152872'/>",
       "p profile 'a': <Profession> is required"},
      {"<Profile name='a' personId='012345678901' displayName='X' structure='10B0152872'>"
       "<Hobby/>" +
           profession,
       "p profile 'a': unknown element <Hobby>"},
      {"<Profile name='a' personId='012345678901' displayName='X' structure='10B0152872' "
       "secret='maybe'>" +
           profession,
       "p profile 'a': 'maybe' is not true or false"},
      {"<Profile name='a' personId='012345678901' displayName='X' structure='10B0152872'>" +
           profession +
           "<Profile name='a' personId='012345678902' displayName='Y' structure='10B0152872'>" +
           profession,
       "p profile 'a': defined twice"},
  };
  for (const auto& [profile, message] : cases) {
    const auto failure = failure_of([&] { parse_vihf_profiles(vihf_profiles_with(profile), "p"); });
    BOOST_TEST(failure.first == kHarnessError);
    BOOST_TEST(failure.second == message);
  }
}

// The assertion built from a profile is one the gateway's reader accepts and
// reads back as that professional, for that patient and purpose.
BOOST_AUTO_TEST_CASE(a_profile_vihf_is_accepted_by_the_gateway_reader) {
  const auto profiles = parse_vihf_profiles(kProfiles);
  VihfRequest request;
  request.profile = "doctor";
  request.overrides = {{"purpose", "bris_de_glace"}};
  const auto profile = resolve_vihf(profiles, request);
  VihfAssertion assertion;
  assertion.name_id = profile.person_id;
  assertion.attributes = vihf_attributes(profile, kPatient);
  const auto key = signature::SigningKey::from_pem_files(testing::pki("vihf-signer.key").string(),
                                                         testing::pki("vihf-signer.pem").string());
  const auto message = soap_request(
      action::kRecordStatus, record_status_request(kPatient), "https://sut/xds/registry",
      [&](const std::string& envelope) { return with_vihf(envelope, assertion, key); });
  soap::wss::VihfOptions options;
  options.trust = signature::TrustStore::from_pem_file(testing::pki("ca.pem").string());
  const auto context = soap::wss::read_vihf(message.body, options);
  BOOST_TEST_REQUIRE(context.has_value());
  BOOST_TEST(context->person_id == "012345678902");
  BOOST_TEST(context->structure_id == "10B0152872");
  BOOST_TEST(context->profession.code == "10");
  BOOST_TEST(context->speciality.value_or(soap::CodedValue{}).code == "SM26");
  BOOST_TEST((context->purpose == soap::PurposeOfUse::BrisDeGlace));
  BOOST_TEST(context->patient_id == kPatient);
  BOOST_TEST(!context->secret_connection);

  // Signed by a key the reader does not trust: refused.
  const auto foreign = signature::SigningKey::from_pem_files(
      testing::pki("foreign-client.key").string(), testing::pki("foreign-client.pem").string());
  const auto unsigned_envelope =
      soap_request(action::kRecordStatus, record_status_request(kPatient), "https://sut").body;
  const auto refused = failure_of(
      [&] { soap::wss::read_vihf(with_vihf(unsigned_envelope, assertion, foreign), options); });
  BOOST_TEST(refused.first == "wsse:FailedAuthentication");
}
