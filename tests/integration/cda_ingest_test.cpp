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

// ---- issue 8: RPLC, referenceIdList types, code validity dates ----

// Refused with an Error of `code` whose location starts with `location` (the
// registry reports resolved urn:uuid ids, the repository the symbolic ones)
// and whose codeContext starts with `context_prefix`.
bool failed_with(const RegistryAnswer& answer, const std::string& code, const std::string& location,
                 const std::string& context_prefix) {
  if (answer.status != "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure") return false;
  for (const auto& error : answer.errors) {
    if (error.code == code && error.location.rfind(location, 0) == 0 &&
        error.context.rfind(context_prefix, 0) == 0 &&
        error.severity == "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error") {
      return true;
    }
  }
  return false;
}

// The stored entryUUID of the document with that uniqueId.
std::string stored_entry_uuid(CdaGateway& gateway, const std::string& unique_id) {
  store::XdsStore store(*gateway.pool);
  const auto found = store.find_documents_by_unique_id({unique_id});
  BOOST_TEST_REQUIRE(found.size() == 1u);
  return found.front().entry_uuid;
}

// A lot whose Document01 replaces `old_entry_uuid` (RPLC) and whose CDA is
// the next version of `old_cda` (same setId, versionNumber `version`,
// relatedDocument RPLC naming `old_unique_id`).
CdaGateway::Lot replacing_lot(CdaGateway& gateway, const std::string& old_entry_uuid,
                              const std::string& old_unique_id, const std::string& version) {
  auto lot = gateway.fresh_lot();
  lot.metadata = replace_all(
      lot.metadata, "</rim:RegistryObjectList>",
      "<rim:Association id=\"as-rplc\" "
      "associationType=\"urn:ihe:iti:2007:AssociationType:RPLC\" sourceObject=\"Document01\" "
      "targetObject=\"" +
          old_entry_uuid +
          "\" objectType=\"urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:"
          "Association\"/></rim:RegistryObjectList>");
  lot.cda1 = replace_all(lot.cda1, "<versionNumber value=\"1\"/>",
                         "<versionNumber value=\"" + version + "\"/>");
  lot.cda1 = replace_all(lot.cda1, "  <componentOf>",
                         "  <relatedDocument typeCode=\"RPLC\">\n    <parentDocument>\n"
                         "      <id root=\"" +
                             old_unique_id +
                             "\"/>\n    </parentDocument>\n  </relatedDocument>\n"
                             "  <componentOf>");
  return lot;
}

// A first lot stored, and a lot whose Document01 replaces that lot's
// Document01 with CDA versionNumber `version`; `before`: the counts once the
// first lot is stored.
struct Replacement {
  CdaGateway::Lot lot;
  store::XdsStore::Counts before;
};
Replacement replacement_of_a_stored_lot(CdaGateway& gateway, const std::string& version) {
  const auto first = gateway.fresh_lot();
  BOOST_TEST_REQUIRE(gateway.provide(first).success());
  const std::string old_unique_id = document_unique_id(first.metadata, "Document01");
  auto lot =
      replacing_lot(gateway, stored_entry_uuid(gateway, old_unique_id), old_unique_id, version);
  return {std::move(lot), gateway.counts()};
}

void expect_nothing_more_stored(CdaGateway& gateway, const store::XdsStore::Counts& before) {
  const auto after = gateway.counts();
  BOOST_TEST(after.objects == before.objects);
  BOOST_TEST(after.documents == before.documents);
  BOOST_TEST(after.contents == before.contents);
}

// A lot of the fixture's two PDF documents (no CDA to check).
RegistryAnswer provide_pdf_lot(CdaGateway& gateway, std::string metadata) {
  metadata = without_slot(without_slot(metadata, "hash"), "size");
  const std::vector<Part> parts{{"Document01", "application/pdf", "%PDF-1.4 one"},
                                {"Document02", "application/pdf", "%PDF-1.4 two"}};
  auto reply = gateway.post("/xds/repository", provide_and_register_mtom(metadata, parts));
  BOOST_TEST(reply.status == 200u);
  return read_registry_answer(reply);
}

// ---- end issue 8 ----

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

BOOST_AUTO_TEST_CASE(a_replacement_keeping_the_set_id_with_a_greater_version_is_stored) {
  CdaGateway gateway;
  const auto replacement = replacement_of_a_stored_lot(gateway, "2");
  const auto answer = gateway.provide(replacement.lot);
  BOOST_TEST_REQUIRE(answer.success(), describe(answer));
  BOOST_TEST(gateway.counts().documents == 4);
}

BOOST_AUTO_TEST_CASE(a_replacement_whose_version_is_not_greater_is_refused) {
  CdaGateway gateway;
  const auto replacement = replacement_of_a_stored_lot(gateway, "1");
  const auto answer = gateway.provide(replacement.lot);
  BOOST_TEST(failed_with(answer, "XDSRepositoryMetadataError", "Document01",
                         "R-CDA-37 at /ClinicalDocument/versionNumber: a replacement's "
                         "versionNumber must be greater than the replaced document's: 1"),
             describe(answer));
  expect_nothing_more_stored(gateway, replacement.before);
}

BOOST_AUTO_TEST_CASE(a_replacement_with_another_set_id_is_refused) {
  CdaGateway gateway;
  auto replacement = replacement_of_a_stored_lot(gateway, "2");
  replacement.lot.cda1 =
      replace_all(replacement.lot.cda1, "<setId root=\"1.2.250.1.999.1.3.20240502.1\"/>",
                  "<setId root=\"1.2.250.1.999.1.3.20240502.9\"/>");
  const auto answer = gateway.provide(replacement.lot);
  BOOST_TEST(failed_with(answer, "XDSRepositoryMetadataError", "Document01",
                         "R-CDA-37 at /ClinicalDocument/setId"),
             describe(answer));
  expect_nothing_more_stored(gateway, replacement.before);
}

BOOST_AUTO_TEST_CASE(a_reference_id_type_outside_j231_is_refused) {
  CdaGateway gateway;
  auto lot = gateway.fresh_lot();
  const std::string slot =
      "<rim:Slot name=\"urn:ihe:iti:xds:2013:referenceIdList\"><rim:ValueList><rim:Value>"
      "ENC-1^^^&amp;1.2.250.1.999.7&amp;ISO^urn:ihe:iti:xds:2015:encounterId"
      "</rim:Value></rim:ValueList></rim:Slot>";
  const auto at = lot.metadata.find("<rim:Slot name=\"creationTime\">");
  BOOST_TEST_REQUIRE(at != std::string::npos);
  lot.metadata.insert(at, slot);
  const auto answer = gateway.provide(lot);
  BOOST_TEST(failed_with(answer, "XDSRegistryMetadataError", "urn:uuid:",
                         "referenceIdList: identifier type 'urn:ihe:iti:xds:2015:encounterId' is "
                         "not in profile 'dmp' reference_id_types"),
             describe(answer));
  expect_nothing_more_stored(gateway, {});
}

BOOST_AUTO_TEST_CASE(a_code_closed_before_the_submission_time_is_refused) {
  CdaGateway gateway;
  // SA11 left TRE_R02 on 2020-06-26; the lot's submissionTime is 2024-05-03.
  std::string metadata = with_fresh_unique_ids(two_document_metadata(), "7001");
  const std::string facility = "classifiedObject=\"Document01\" nodeRepresentation=\"SA01\"";
  BOOST_TEST_REQUIRE(metadata.find(facility) != std::string::npos);
  const auto answer = provide_pdf_lot(
      gateway, replace_all(metadata, facility, replace_all(facility, "SA01", "SA11")));
  BOOST_TEST(failed_with(answer, "XDSRegistryMetadataError", "urn:uuid:",
                         "healthcareFacilityTypeCode: code of scheme '1.2.250.1.71.4.2.4' no "
                         "longer valid: its validity ended 20200626120000"),
             describe(answer));
  expect_nothing_more_stored(gateway, {});
  // The same lot with the code still valid is stored (the refusal was the date's).
  const auto stored = provide_pdf_lot(gateway, metadata);
  BOOST_TEST(stored.success(), describe(stored));
}

BOOST_AUTO_TEST_SUITE_END()
