#define BOOST_TEST_MODULE vihf_refusal_trace
#include <boost/test/unit_test.hpp>

// Refused identities are traced (issue 6 "Any failure → SOAP fault, request
// not processed, attempt traced", R-TRACE-1; docs/identity.md): a forged,
// expired, missing or wrong-patient VIHF leaves exactly one refused
// `authenticate` trace whose reason code and text are the fault's, with the
// actor the assertion claims, on the record it names, visible in the
// operator trace view; and when the database is down the refusal is still
// answered as its fault.

#include <fstream>
#include <nlohmann/json.hpp>

#include "lot_signing.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/gateway/xds_service.hpp"
#include "passerelle/registry/stored_query.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "pg_cluster.hpp"
#include "policy_fixtures.hpp"
#include "remove_metadata_client.hpp"  // read_fault, operator_authorization
#include "runtimes.hpp"
#include "soap_messages.hpp"
#include "temp_dir.hpp"

using namespace passerelle;
using namespace passerelle::testing;
using Json = nlohmann::json;

namespace {

BOOST_TEST_GLOBAL_FIXTURE(XmlAndSignatureRuntimes);

constexpr const char* kDoctor = "810000000001";  // the default VIHF's NameID
constexpr const char* kToken = "refusal-trace-token";
const std::string kRecordPath =
    "/api/v1/records/1234567890123%5E%5E%5E%261.2.250.1.213.1.4.10%26ISO%5ENH";
const std::string kOtherPatient = "9999999999999^^^&1.2.250.1.213.1.4.10&ISO^NH";

// The dmp gateway as served: VIHF required, policy on, operator API on.
struct Gateway {
  TempDir token_dir{"passerelle-token"};
  XdsTestGateway xds{nullptr, options(token_dir)};

  static XdsGatewayOptions options(const TempDir& dir) {
    XdsGatewayOptions out = with_policy();
    out.vihf = "required";
    const auto token_file = dir.path() / "operator-token";
    std::ofstream(token_file) << kToken << "\n";
    out.customize = [token_file](gateway::ServerConfig& config) {
      config.operator_token_file = token_file;
    };
    return out;
  }

  // The refused `authenticate` traces of the test record, in the operator view.
  Json refused_authentications() const {
    const auto reply = xds.server->connect().request("GET", kRecordPath + "/traces", "", "",
                                                     operator_authorization(kToken));
    BOOST_TEST_REQUIRE(reply.status == 200u, reply.body);
    Json out = Json::array();
    const Json page = Json::parse(reply.body);
    for (const auto& trace : page.at("traces")) {
      if (trace.at("action") == "authenticate") out.push_back(trace);
    }
    return out;
  }
};

HttpRequestBody find_documents(const std::string& patient = kTestPatient) {
  return stored_query(
      registry::sq::kFindDocuments,
      {{"$XDSDocumentEntryPatientId", {"'" + patient + "'"}},
       {"$XDSDocumentEntryStatus", {"('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"}}});
}

// The fault of `reply` is the Sender fault `subcode` (wsse namespace); its
// reason is returned.
std::string expect_wsse_fault(const HttpReply& reply, const std::string& subcode) {
  BOOST_TEST(reply.status == 400u);
  const FaultSeen fault = read_fault(reply);
  BOOST_TEST(fault.code == "Sender");
  BOOST_TEST(fault.subcode_namespace ==
             "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd");
  BOOST_TEST(fault.subcode == subcode);
  return fault.reason;
}

// Exactly one more refused authenticate trace than `before`, with this
// reason; returned.
Json expect_one_more(const Gateway& gateway, std::size_t before, const std::string& code,
                     const std::string& reason) {
  const Json traces = gateway.refused_authentications();
  BOOST_TEST_REQUIRE(traces.size() == before + 1);
  const Json& trace = traces.front();  // newest first
  BOOST_TEST(trace.at("outcome") == "refused");
  BOOST_TEST(trace.at("reason_code") == code);
  BOOST_TEST(trace.at("reason") == reason);
  return trace;
}

}  // namespace

// A forged assertion (altered after signing): wsse:FailedCheck; the trace
// names who the assertion claims to be.
BOOST_AUTO_TEST_CASE(forged_assertion_is_traced) {
  Gateway gateway;
  VihfEnvelope forged(find_documents().body);
  set_attribute_text(forged.add_assertion(), "LPS_Nom", "Forged LPS");
  const auto reason = expect_wsse_fault(
      gateway.xds.post("/xds/registry", {kSoapContentType, forged.serialize()}), "FailedCheck");
  BOOST_TEST(reason.starts_with("VIHF: signature check failed"), reason);
  const Json trace = expect_one_more(gateway, 0, "wsse:FailedCheck", reason);
  BOOST_TEST(trace.at("actor_id") == kDoctor);
  BOOST_TEST(trace.at("actor_kind") == "rpps");
  BOOST_TEST(trace.at("actor_profession") == "10");
  BOOST_TEST(trace.at("structure_id") == kVihfStructure);
  BOOST_TEST(trace.at("authentication") == "indirecte");
  BOOST_TEST(trace.at("purpose") == "normal");
  BOOST_TEST(trace.at("document_unique_id").is_null());
}

// An expired assertion: wsse:FailedAuthentication; the claimed purpose of
// use is kept.
BOOST_AUTO_TEST_CASE(expired_assertion_is_traced) {
  Gateway gateway;
  VihfSpec expired = professional(kDoctor, "bris_de_glace");
  expired.not_before = std::chrono::system_clock::now() - std::chrono::hours(3);
  expired.not_on_or_after = std::chrono::system_clock::now() - std::chrono::hours(2);
  const auto reason =
      expect_wsse_fault(gateway.xds.post("/xds/registry", with_vihf(find_documents(), expired)),
                        "FailedAuthentication");
  BOOST_TEST(reason.starts_with("VIHF: the assertion has expired"), reason);
  const Json trace = expect_one_more(gateway, 0, "wsse:FailedAuthentication", reason);
  BOOST_TEST(trace.at("actor_id") == kDoctor);
  BOOST_TEST(trace.at("purpose") == "bris_de_glace");
  BOOST_TEST(gateway.xds.counts().objects == 0);
}

// A valid assertion for the test record naming another patient in the
// request: a wsse:FailedAuthentication fault (dmp-xds-mapping.md §7), on
// ITI-18 and on ITI-41, each traced once on the assertion's record; nothing
// stored.
BOOST_AUTO_TEST_CASE(wrong_patient_assertion_is_traced) {
  Gateway gateway;
  authorise(*gateway.xds.pool, kDoctor);
  const auto query_reason =
      expect_wsse_fault(gateway.xds.post("/xds/registry", with_vihf(find_documents(kOtherPatient))),
                        "FailedAuthentication");
  Json trace = expect_one_more(gateway, 0, "wsse:FailedAuthentication", query_reason);
  BOOST_TEST(trace.at("actor_id") == kDoctor);

  // The lot's documents and set name the other patient.
  const auto foreign_lot =
      replace_all(from_callers_structure(with_fresh_unique_ids(two_document_metadata(), "9701")),
                  "1234567890123^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH",
                  "9999999999999^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH");
  const auto lot_reason = expect_wsse_fault(
      gateway.xds.post(
          "/xds/repository",
          with_vihf(provide_and_register_inline(
                        foreign_lot,
                        {{"Document01", "application/pdf", read_fixture("xds/document01.pdf")},
                         {"Document02", "application/pdf", read_fixture("xds/document02.pdf")}}),
                    professional(kDoctor))),
      "FailedAuthentication");
  trace = expect_one_more(gateway, 1, "wsse:FailedAuthentication", lot_reason);
  BOOST_TEST(gateway.xds.counts().objects == 0);
  // Not traced on the other patient's side either.
  BOOST_TEST(store::list_traces(*gateway.xds.pool, kOtherPatient, std::nullopt, 10).traces.empty());
}

// No assertion at all where one is required: traced with an empty actor on
// no record (patient_id '').
BOOST_AUTO_TEST_CASE(missing_assertion_is_traced_on_no_record) {
  Gateway gateway;
  const auto reason =
      expect_wsse_fault(gateway.xds.post("/xds/registry", find_documents()), "InvalidSecurity");
  const auto traces = store::list_traces(*gateway.xds.pool, "", std::nullopt, 10).traces;
  BOOST_TEST_REQUIRE(traces.size() == 1u);
  BOOST_TEST((traces.front().action == store::TraceAction::Authenticate));
  BOOST_TEST(!traces.front().allowed);
  BOOST_TEST(traces.front().reason_code == "wsse:InvalidSecurity");
  BOOST_TEST(traces.front().reason == reason);
  BOOST_TEST(traces.front().actor.id == "");
  BOOST_TEST(gateway.refused_authentications().empty());
}

// The database is down: the refusal is still its wsse fault (not an
// internal error), and the gateway keeps answering. (The lost trace is
// logged as vihf_refusal_untraced on the default logger, which the test
// server does not capture.)
BOOST_AUTO_TEST_CASE(refusal_stands_when_the_trace_cannot_be_written) {
  ThrowawayDatabase own;  // a cluster of its own, stopped below
  const auto uri = own.create_database("refusal_down");
  {
    pqxx::connection connection(uri);
    store::migrate(connection);
  }
  gateway::XdsDependencies dependencies;
  dependencies.pool = std::make_shared<store::ConnectionPool>(uri, 2);
  dependencies.profile = dmp_profile_without_lot_signatures();
  dependencies.repository_unique_id = kTestRepository;
  TestServerOptions options;
  options.db_uri = uri;
  options.router = gateway::make_xds_router(dependencies);
  options.customize = [](gateway::ServerConfig& config) {
    config.vihf = "required";
    config.vihf_trust = pki("ca.pem");
  };
  TestServer server(std::move(options));
  own.cluster().stop();

  for (int i = 0; i < 2; ++i) {
    VihfEnvelope forged(find_documents().body);
    set_attribute_text(forged.add_assertion(), "LPS_Nom", "Forged LPS");
    const auto reply =
        server.connect().request("POST", "/xds/registry", kSoapContentType, forged.serialize());
    const auto reason = expect_wsse_fault(reply, "FailedCheck");
    BOOST_TEST(reason.starts_with("VIHF: signature check failed"), reason);
  }
}
