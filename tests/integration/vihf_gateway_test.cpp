#define BOOST_TEST_MODULE vihf_gateway
#include <boost/test/unit_test.hpp>

// The identity step over real TLS (issue 6, docs/identity.md): under the dmp
// profile a valid VIHF lets a request through, a missing, forged, expired,
// unsigned or foreign one is answered with a Sender fault carrying the
// WS-Security subcode, nothing is stored, and the gateway keeps serving.

#include <boost/process.hpp>
#include <fstream>

#include "passerelle/core/error_codes.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/stored_query.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "passerelle/soap/namespaces.hpp"
#include "runtimes.hpp"
#include "soap_messages.hpp"
#include "temp_dir.hpp"
#include "vihf_builder.hpp"
#include "xds_gateway.hpp"

using namespace passerelle;
using namespace passerelle::testing;

namespace {

BOOST_TEST_GLOBAL_FIXTURE(XmlAndSignatureRuntimes);

constexpr const char* kSoap12 = "http://www.w3.org/2003/05/soap-envelope";

struct FaultSeen {
  std::string code;  // local part of env:Code/env:Value
  std::string subcode_namespace;
  std::string subcode;  // local part
  std::string reason;
};

FaultSeen read_fault(const HttpReply& reply) {
  const auto document = xml::parse(reply.body);
  const auto* body = xml::first_child_element(document.root(), kSoap12, "Body");
  BOOST_TEST_REQUIRE(body != nullptr);
  const auto* fault = xml::first_child_element(*body, kSoap12, "Fault");
  BOOST_TEST_REQUIRE(fault != nullptr, reply.body);
  const auto* code = xml::first_child_element(*fault, kSoap12, "Code");
  const auto qname = [](const xercesc::DOMElement& value) {
    const std::string text = xml::text_content(value);
    const auto colon = text.find(':');
    const std::string prefix = colon == std::string::npos ? "" : text.substr(0, colon);
    const auto ns = xml::xmlch(prefix);
    const XMLCh* uri = value.lookupNamespaceURI(prefix.empty() ? nullptr : ns.c_str());
    return std::pair<std::string, std::string>{uri == nullptr ? "" : xml::utf8(uri),
                                               text.substr(colon + 1)};
  };
  FaultSeen out;
  out.code = qname(*xml::first_child_element(*code, kSoap12, "Value")).second;
  if (const auto* sub = xml::first_child_element(*code, kSoap12, "Subcode")) {
    std::tie(out.subcode_namespace, out.subcode) =
        qname(*xml::first_child_element(*sub, kSoap12, "Value"));
  }
  const auto* reason = xml::first_child_element(*fault, kSoap12, "Reason");
  out.reason = xml::text_content(*xml::first_child_element(*reason, kSoap12, "Text"));
  return out;
}

std::shared_ptr<const registry::Profile> dmp() {
  return std::make_shared<const registry::Profile>(registry::load_named_profile("dmp"));
}

// The gateway as `passerelle serve --profile dmp --vihf-trust ca.pem` runs it.
XdsGatewayOptions as_the_profile_says(const registry::Profile& profile) {
  XdsGatewayOptions options;
  options.vihf = profile.vihf_required ? "required" : "optional";
  return options;
}

HttpRequestBody find_documents(const std::string& patient = kTestPatient) {
  return stored_query(
      registry::sq::kFindDocuments,
      {{"$XDSDocumentEntryPatientId", {"'" + patient + "'"}},
       {"$XDSDocumentEntryStatus", {"('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"}}});
}

// ITI-42 of the fixture lot (fresh uniqueIds), as the registry accepts it.
HttpRequestBody register_lot() {
  static int salt = 0;
  const auto metadata = replace_all(
      with_fresh_unique_ids(two_document_metadata(), std::to_string(6000 + ++salt)),
      "</rim:ExtrinsicObject>",
      std::string("<rim:Slot name=\"repositoryUniqueId\"><rim:ValueList><rim:Value>") +
          kTestRepository + "</rim:Value></rim:ValueList></rim:Slot></rim:ExtrinsicObject>");
  return register_document_set(metadata);
}

void expect_refused(const HttpReply& reply, const std::string& subcode,
                    const std::string& reason_start) {
  BOOST_TEST(reply.status == 400u);
  const FaultSeen fault = read_fault(reply);
  BOOST_TEST(fault.code == "Sender");
  BOOST_TEST(fault.subcode_namespace == ns::kWsse);
  BOOST_TEST(fault.subcode == subcode);
  BOOST_TEST(fault.reason.starts_with(reason_start), fault.reason);
}

void expect_nothing_stored(const XdsTestGateway& gateway) {
  const auto counts = gateway.counts();
  BOOST_TEST(counts.objects == 0);
  BOOST_TEST(counts.documents == 0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_dmp_profile_requires_a_vihf) {
  BOOST_TEST(dmp()->vihf_required);
  BOOST_TEST(!registry::load_named_profile("ihe-test").vihf_required);
}

BOOST_AUTO_TEST_CASE(a_valid_vihf_lets_a_query_and_a_registration_through) {
  const auto profile = dmp();
  XdsTestGateway gateway(profile, as_the_profile_says(*profile));
  const auto query = gateway.post("/xds/registry", with_vihf(find_documents()));
  BOOST_TEST_REQUIRE(query.status == 200u, query.body);
  BOOST_TEST(read_query_answer(query).registry.success());

  const auto registered = gateway.post("/xds/registry", with_vihf(register_lot()));
  BOOST_TEST_REQUIRE(registered.status == 200u, registered.body);
  const auto answer = read_registry_answer(registered);
  BOOST_TEST(answer.success(), answer.codes() << ": " << registered.body);
  BOOST_TEST(gateway.counts().objects > 0);
}

BOOST_AUTO_TEST_CASE(bad_or_missing_vihf_is_a_wsse_fault_and_nothing_is_stored) {
  const auto profile = dmp();
  XdsTestGateway gateway(profile, as_the_profile_says(*profile));

  expect_refused(gateway.post("/xds/registry", register_lot()), "InvalidSecurity",
                 "VIHF: this service requires a signed VIHF assertion in wsse:Security");
  expect_refused(gateway.post("/xds/registry", find_documents()), "InvalidSecurity",
                 "VIHF: this service requires a signed VIHF assertion in wsse:Security");

  {
    VihfEnvelope forged(register_lot().body);
    set_attribute_text(forged.add_assertion(), "LPS_Nom", "Forged LPS");
    expect_refused(gateway.post("/xds/registry", {kSoapContentType, forged.serialize()}),
                   "FailedCheck", "VIHF: signature check failed: digest mismatch");
  }
  {
    VihfSpec expired;
    expired.not_before = std::chrono::system_clock::now() - std::chrono::hours(3);
    expired.not_on_or_after = std::chrono::system_clock::now() - std::chrono::hours(2);
    expect_refused(gateway.post("/xds/registry", with_vihf(register_lot(), expired)),
                   "FailedAuthentication", "VIHF: the assertion has expired");
  }
  {
    VihfSpec unsigned_assertion;
    unsigned_assertion.sign = false;
    expect_refused(gateway.post("/xds/registry", with_vihf(register_lot(), unsigned_assertion)),
                   "FailedCheck", "VIHF: the assertion is not signed");
  }
  {
    VihfSpec foreign;
    foreign.signer = "foreign-client";
    expect_refused(gateway.post("/xds/registry", with_vihf(register_lot(), foreign)),
                   "FailedAuthentication", "VIHF: untrusted signer");
  }
  {
    VihfSpec bad_purpose;
    bad_purpose.set("urn:oasis:names:tc:xspa:1.0:subject:purposeofuse", {},
                    {{"curiosite", "1.2.250.1.213.1.1.4.248", ""}});
    expect_refused(gateway.post("/xds/registry", with_vihf(register_lot(), bad_purpose)),
                   "InvalidSecurityToken",
                   "VIHF urn:oasis:names:tc:xspa:1.0:subject:purposeofuse: unknown purpose of use");
  }
  expect_nothing_stored(gateway);
  BOOST_TEST(gateway.server->wait_for_log("wsse:FailedCheck"));
  BOOST_TEST(gateway.server->wait_for_log("wsse:FailedAuthentication"));

  // Still serving.
  const auto query = gateway.post("/xds/registry", with_vihf(find_documents()));
  BOOST_TEST(query.status == 200u);
  BOOST_TEST(read_query_answer(query).registry.success());
}

BOOST_AUTO_TEST_CASE(the_ihe_test_profile_verifies_a_vihf_only_when_present) {
  const auto profile =
      std::make_shared<const registry::Profile>(registry::load_named_profile("ihe-test"));
  XdsTestGateway gateway(profile, as_the_profile_says(*profile));
  const auto without = gateway.post("/xds/registry", find_documents());
  BOOST_TEST(without.status == 200u);
  BOOST_TEST(read_query_answer(without).registry.success());
  BOOST_TEST(gateway.post("/xds/registry", with_vihf(find_documents())).status == 200u);

  VihfEnvelope forged(find_documents().body);
  set_attribute_text(forged.add_assertion(), "urn:oasis:names:tc:xacml:2.0:resource:resource-id",
                     "2345678901234^^^&1.2.250.1.213.1.4.10&ISO^NH");
  expect_refused(gateway.post("/xds/registry", {kSoapContentType, forged.serialize()}),
                 "FailedCheck", "VIHF: signature check failed: digest mismatch");
}

BOOST_AUTO_TEST_CASE(with_tls_matching_the_signer_must_be_the_tls_client) {
  XdsGatewayOptions options;
  options.vihf = "required";
  options.mutual_tls = true;
  options.customize = [](gateway::ServerConfig& config) { config.vihf_match_tls = true; };
  XdsTestGateway gateway(dmp(), options);
  const auto request = with_vihf(find_documents());

  auto as_signer = gateway.server->connect("vihf-signer");
  const auto accepted =
      as_signer.request("POST", "/xds/registry", request.content_type, request.body);
  BOOST_TEST(accepted.status == 200u, accepted.body);

  auto as_other = gateway.server->connect("structure");
  expect_refused(as_other.request("POST", "/xds/registry", request.content_type, request.body),
                 "FailedAuthentication",
                 "VIHF: indirect authentication, but the TLS client certificate '" +
                     pki_subject("structure") + "' is not the assertion's Issuer");
}

BOOST_AUTO_TEST_CASE(serve_refuses_an_unusable_vihf_trust_bundle_before_starting_anything) {
  namespace bp = boost::process;
  TempDir dir("passerelle-vihf-serve");
  const auto bundle = dir.path() / "not-a-bundle.pem";
  std::ofstream(bundle) << "no certificate here\n";
  bp::ipstream err;
  bp::child child(PASSERELLE_BINARY,
                  bp::args({"serve", "--insecure-http", "--listen", "127.0.0.1:0", "--data-dir",
                            (dir.path() / "data").string(), "--vihf-trust", bundle.string()}),
                  bp::std_out > bp::null, bp::std_err > err);
  const std::string err_text((std::istreambuf_iterator<char>(err)), {});
  child.wait();
  BOOST_TEST(child.exit_code() == 1);
  BOOST_TEST(err_text.find("--vihf-trust: cannot load the VIHF trust bundle '" + bundle.string() +
                           "'") != std::string::npos,
             err_text);
  BOOST_TEST(!std::filesystem::exists(dir.path() / "data"));
}
