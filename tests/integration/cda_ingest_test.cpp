#define BOOST_TEST_MODULE cda_ingest
#include <boost/test/unit_test.hpp>

// Issue 8, end to end: under the dmp profile ("cda": {"validate": true}) an
// ITI-41 lot whose CDA headers disagree with the metadata is refused with
// XDSRepositoryMetadataError (rule id and CDA path in codeContext, the
// DocumentEntry id as location) and nothing is stored; a warning comes back
// with Success. Same setup as xds_transactions_test.cpp: real HTTPS, real
// PostgreSQL, the shipped dmp profile, the fixture lot
// (tests/fixtures/xds/provide_and_register_two_docs.xml) with the CDA
// documents written to agree with it (tests/fixtures/cda/agreement/).

#include <atomic>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>

#include "passerelle/core/xml.hpp"
#include "passerelle/gateway/xds_service.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
#include "pg_cluster.hpp"
#include "test_server.hpp"
#include "xds_client.hpp"
#include "xds_gateway.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::testing;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

const std::string kCda1 = read_fixture("cda/agreement/document01.xml");
const std::string kCda2 = read_fixture("cda/agreement/document02.xml");
const std::string kFixtureId1 = "1.2.250.1.999.1.1.20240502.1";
const std::string kFixtureId2 = "1.2.250.1.999.1.1.20240503.1";

// The shared test gateway on the dmp profile, which validates CDA documents.
struct CdaGateway : XdsTestGateway {
  std::atomic<int> salt{0};

  CdaGateway() { BOOST_TEST_REQUIRE(profile->validate_cda); }

  // A fresh lot: metadata and the two CDA documents with the lot's uniqueIds.
  struct Lot {
    std::string metadata;
    std::string cda1;
    std::string cda2;
    std::vector<Part> parts() const {
      return {{"Document01", "text/xml", cda1}, {"Document02", "text/xml", cda2}};
    }
  };
  Lot fresh_lot() {
    Lot lot;
    lot.metadata =
        cda_metadata(with_fresh_unique_ids(two_document_metadata(), std::to_string(1000 + ++salt)));
    lot.cda1 = replace_all(kCda1, "\"" + kFixtureId1 + "\"",
                           "\"" + document_unique_id(lot.metadata, "Document01") + "\"");
    lot.cda2 = replace_all(kCda2, "\"" + kFixtureId2 + "\"",
                           "\"" + document_unique_id(lot.metadata, "Document02") + "\"");
    return lot;
  }

  RegistryAnswer provide(const Lot& lot) {
    auto reply = post("/xds/repository", provide_and_register_mtom(lot.metadata, lot.parts()));
    BOOST_TEST(reply.status == 200u);
    return read_registry_answer(reply);
  }
};

std::string describe(const RegistryAnswer& answer) {
  std::string out = answer.status;
  for (const auto& error : answer.errors) {
    out +=
        "\n  " + error.code + " [" + error.severity + "] @" + error.location + ": " + error.context;
  }
  return out;
}

// Refused with XDSRepositoryMetadataError at Document01 whose codeContext
// starts with `context_prefix`, and nothing stored.
void expect_refused(CdaGateway& gateway, const RegistryAnswer& answer,
                    const std::string& context_prefix) {
  BOOST_TEST(answer.status == "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure",
             describe(answer));
  bool found = false;
  for (const auto& error : answer.errors) {
    if (error.code == "XDSRepositoryMetadataError" && error.context.rfind(context_prefix, 0) == 0) {
      found = true;
      BOOST_TEST(error.severity == "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error");
      BOOST_TEST(error.location == "Document01");
    }
  }
  BOOST_TEST(found, "expected XDSRepositoryMetadataError '" << context_prefix << "…', got "
                                                            << describe(answer));
  const auto counts = gateway.counts();
  BOOST_TEST(counts.objects == 0);
  BOOST_TEST(counts.documents == 0);
  BOOST_TEST(counts.contents == 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cda_ingest)

BOOST_AUTO_TEST_CASE(a_lot_whose_cda_headers_agree_is_stored) {
  CdaGateway gateway;
  const auto answer = gateway.provide(gateway.fresh_lot());
  BOOST_TEST_REQUIRE(answer.success(), describe(answer));
  for (const auto& error : answer.errors) {
    BOOST_TEST(error.severity == "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning",
               describe(answer));
  }
  const auto counts = gateway.counts();
  BOOST_TEST(counts.documents == 2);
  BOOST_TEST(counts.contents == 2);
}

BOOST_AUTO_TEST_CASE(type_code_against_cda_code_is_refused) {
  CdaGateway gateway;
  auto lot = gateway.fresh_lot();
  lot.cda1 = replace_all(lot.cda1, "code=\"11488-4\"", "code=\"34133-9\"");
  expect_refused(gateway, gateway.provide(lot), "X-2 at /ClinicalDocument/code: typeCode 11488-4");
}

BOOST_AUTO_TEST_CASE(patient_id_against_record_target_is_refused) {
  CdaGateway gateway;
  auto lot = gateway.fresh_lot();
  lot.cda1 = replace_all(lot.cda1, "extension=\"1234567890123\"", "extension=\"2345678901234\"");
  expect_refused(gateway, gateway.provide(lot),
                 "X-1 at /ClinicalDocument/recordTarget/patientRole/id: patientId");
}

BOOST_AUTO_TEST_CASE(creation_time_against_effective_time_is_refused) {
  CdaGateway gateway;
  auto lot = gateway.fresh_lot();
  // Same wall-clock time, but in UTC: 2 hours later than the metadata says.
  lot.cda1 = replace_all(lot.cda1, "<effectiveTime value=\"20240502111500+0200\"/>",
                         "<effectiveTime value=\"20240502111500+0000\"/>");
  expect_refused(gateway, gateway.provide(lot), "X-4 at /ClinicalDocument/effectiveTime");
}

BOOST_AUTO_TEST_CASE(confidentiality_against_cda_is_refused) {
  CdaGateway gateway;
  auto lot = gateway.fresh_lot();
  lot.cda1 = replace_all(lot.cda1, "<confidentialityCode code=\"N\" displayName=\"Normal\"",
                         "<confidentialityCode code=\"R\" displayName=\"Restreint\"");
  expect_refused(gateway, gateway.provide(lot), "X-5 at /ClinicalDocument/confidentialityCode");
}

BOOST_AUTO_TEST_CASE(author_against_cda_author_is_refused) {
  CdaGateway gateway;
  auto lot = gateway.fresh_lot();
  const std::string author_id =
      "<id root=\"1.2.250.1.71.4.2.1\" extension=\"801234567890\"/>\n"
      "      <code code=\"G15_10/SM26\"";
  lot.cda1 =
      replace_all(lot.cda1, author_id, replace_all(author_id, "801234567890", "801234567891"));
  expect_refused(gateway, gateway.provide(lot), "X-9 at /ClinicalDocument/author");
}

BOOST_AUTO_TEST_CASE(unique_id_against_cda_id_is_refused) {
  CdaGateway gateway;
  auto lot = gateway.fresh_lot();
  lot.cda1 = replace_all(lot.cda1, "<id root=\"1.2.250.1.999.1.1.20240502.1.",
                         "<id root=\"1.2.250.1.999.1.1.20240502.9.");
  expect_refused(gateway, gateway.provide(lot), "X-13 at /ClinicalDocument/id");
}

BOOST_AUTO_TEST_CASE(service_times_against_service_event_are_refused) {
  CdaGateway gateway;
  auto lot = gateway.fresh_lot();
  lot.cda1 = replace_all(lot.cda1, "<low value=\"20240502100000+0200\"/>\n        <high",
                         "<low value=\"20240502090000+0200\"/>\n        <high");
  expect_refused(gateway, gateway.provide(lot),
                 "X-6 at /ClinicalDocument/documentationOf/serviceEvent/effectiveTime/low");
}

BOOST_AUTO_TEST_CASE(a_document_sent_as_text_xml_that_is_not_xml_is_refused) {
  CdaGateway gateway;
  auto lot = gateway.fresh_lot();
  lot.cda1 = "%PDF-1.4 not a CDA";
  expect_refused(gateway, gateway.provide(lot), "XML");
}

BOOST_AUTO_TEST_CASE(a_disagreement_that_is_only_a_warning_comes_back_with_success) {
  CdaGateway gateway;
  auto lot = gateway.fresh_lot();
  // sourcePatientInfo PID-7 (19750412) ≠ the CDA birthTime: a warning (X-1).
  lot.cda1 =
      replace_all(lot.cda1, "<birthTime value=\"19750412\"/>", "<birthTime value=\"19750413\"/>");
  const auto answer = gateway.provide(lot);
  BOOST_TEST_REQUIRE(answer.success(), describe(answer));
  bool warned = false;
  for (const auto& error : answer.errors) {
    BOOST_TEST(error.severity == "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning");
    if (error.code == "XDSRepositoryMetadataError" &&
        error.context.rfind("X-1 at /ClinicalDocument/recordTarget/patientRole/patient/birthTime",
                            0) == 0) {
      warned = true;
      BOOST_TEST(error.location == "Document01");
    }
  }
  BOOST_TEST(warned, describe(answer));
  const auto counts = gateway.counts();
  BOOST_TEST(counts.documents == 2);
}

BOOST_AUTO_TEST_SUITE_END()
