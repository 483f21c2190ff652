#define BOOST_TEST_MODULE xds_transactions
#include <boost/test/unit_test.hpp>

// ITI-41, ITI-42 and ITI-43 over real HTTPS against a real PostgreSQL: the
// happy paths a hospital client takes, and every IHE error code the
// registry and repository return, each with a check that nothing was stored.

#include <atomic>
#include <memory>
#include <regex>
#include <string>

#include "passerelle/core/xml.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
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

const std::string kPdf1 = read_fixture("xds/document01.pdf");
const std::string kPdf2 = read_fixture("xds/document02.pdf");

// The shared test gateway, with fresh uniqueIds for every lot a test sends.
struct XdsGateway : XdsTestGateway {
  using XdsTestGateway::XdsTestGateway;
  std::atomic<int> salt{0};

  std::string fresh_metadata() {
    return with_fresh_unique_ids(two_document_metadata(), std::to_string(1000 + ++salt));
  }
};

std::vector<Part> two_pdfs() {
  return {{"Document01", "application/pdf", kPdf1}, {"Document02", "application/pdf", kPdf2}};
}

// The agreeing CDA N1 fixtures (tests/fixtures/cda/agreement/) with the
// lot's uniqueIds in their header, as the dmp profile checks them.
std::vector<Part> two_cdas(const std::string& metadata, std::string& first, std::string& second) {
  first =
      replace_all(read_fixture("cda/agreement/document01.xml"), "\"1.2.250.1.999.1.1.20240502.1\"",
                  "\"" + document_unique_id(metadata, "Document01") + "\"");
  second =
      replace_all(read_fixture("cda/agreement/document02.xml"), "\"1.2.250.1.999.1.1.20240503.1\"",
                  "\"" + document_unique_id(metadata, "Document02") + "\"");
  return {{"Document01", "text/xml", first}, {"Document02", "text/xml", second}};
}

void expect_failure(const RegistryAnswer& answer, const std::string& code,
                    const std::string& context_fragment = "") {
  BOOST_TEST(answer.status == "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure");
  BOOST_TEST_REQUIRE(!answer.errors.empty());
  bool found = false;
  for (const auto& error : answer.errors) {
    if (error.code == code && error.context.find(context_fragment) != std::string::npos) {
      found = true;
      BOOST_TEST(error.severity == "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error");
      BOOST_TEST(!error.location.empty());
    }
  }
  BOOST_TEST(found, "expected " << code << " (" << context_fragment << "), got " << answer.codes()
                                << ": " << answer.errors.front().context);
}

void expect_nothing_stored(XdsGateway& gateway) {
  const auto counts = gateway.counts();
  BOOST_TEST(counts.objects == 0);
  BOOST_TEST(counts.documents == 0);
  BOOST_TEST(counts.contents == 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(provide_and_register_then_retrieve)

BOOST_AUTO_TEST_CASE(two_cda_documents_over_mtom_come_back_byte_identical_with_their_mime_type) {
  XdsGateway gateway;
  const auto metadata = cda_metadata(gateway.fresh_metadata());
  std::string cda1;
  std::string cda2;
  auto reply = gateway.post("/xds/repository",
                            provide_and_register_mtom(metadata, two_cdas(metadata, cda1, cda2)));
  BOOST_TEST(reply.status == 200u);
  const auto answer = read_registry_answer(reply);
  BOOST_TEST_REQUIRE(answer.success(), answer.codes() << " " << reply.body);

  const auto first = document_unique_id(metadata, "Document01");
  const auto second = document_unique_id(metadata, "Document02");
  auto retrieved =
      gateway.post("/xds/repository",
                   retrieve_document_set({{kTestRepository, first}, {kTestRepository, second}}));
  BOOST_TEST(retrieved.status == 200u);
  BOOST_TEST(retrieved.header("content-type").find("multipart/related") == 0u);
  const auto documents = read_retrieve_answer(retrieved);
  BOOST_TEST(documents.registry.success());
  BOOST_TEST_REQUIRE(documents.documents.size() == 2u);
  BOOST_TEST(documents.documents[0].document_unique_id == first);
  BOOST_TEST(documents.documents[0].bytes == cda1);
  BOOST_TEST(documents.documents[0].mime_type == "text/xml");
  BOOST_TEST(documents.documents[1].document_unique_id == second);
  BOOST_TEST(documents.documents[1].bytes == cda2);
  BOOST_TEST(documents.documents[1].repository_unique_id == kTestRepository);

  const auto counts = gateway.counts();
  BOOST_TEST(counts.documents == 2);
  BOOST_TEST(counts.contents == 2);
  BOOST_TEST(counts.content_bytes == static_cast<std::int64_t>(cda1.size() + cda2.size()));
}

BOOST_AUTO_TEST_CASE(inline_base64_simple_soap_with_given_hash_and_size_is_accepted) {
  XdsGateway gateway;
  const auto metadata = gateway.fresh_metadata();
  const auto answer =
      read_registry_answer(gateway.post("/xds", provide_and_register_inline(metadata, two_pdfs())));
  BOOST_TEST_REQUIRE(answer.success(), answer.codes());
  const auto documents = read_retrieve_answer(gateway.post(
      "/xds",
      retrieve_document_set({{kTestRepository, document_unique_id(metadata, "Document02")}})));
  BOOST_TEST_REQUIRE(documents.documents.size() == 1u);
  BOOST_TEST(documents.documents[0].bytes == kPdf2);
  BOOST_TEST(documents.documents[0].mime_type == "application/pdf");
}

BOOST_AUTO_TEST_CASE(upper_case_hash_and_day_precision_times_are_accepted) {
  XdsGateway gateway;
  auto metadata = gateway.fresh_metadata();
  std::string upper = sha1_hex(kPdf1);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  metadata = replace_all(metadata, sha1_hex(kPdf1), upper);
  metadata = replace_all(metadata, "20240502091500", "20240502");
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())));
  BOOST_TEST(answer.success(), answer.codes());
}

BOOST_AUTO_TEST_CASE(resubmitting_identical_content_is_accepted_and_stored_once) {
  XdsGateway gateway;
  const auto metadata = gateway.fresh_metadata();
  BOOST_TEST_REQUIRE(
      read_registry_answer(
          gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())))
          .success());
  // Same documents, new submission set.
  const auto again = with_fresh_unique_ids(metadata, "7");
  const auto same_documents = replace_all(
      replace_all(again, document_unique_id(again, "Document01"),
                  document_unique_id(metadata, "Document01")),
      document_unique_id(again, "Document02"), document_unique_id(metadata, "Document02"));
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository", provide_and_register_mtom(same_documents, two_pdfs())));
  BOOST_TEST(answer.success(), answer.codes());
  BOOST_TEST(gateway.counts().contents == 2);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(repository_errors)

BOOST_AUTO_TEST_CASE(hash_not_matching_the_document_is_a_repository_metadata_error) {
  XdsGateway gateway;
  const auto metadata =
      replace_all(gateway.fresh_metadata(), sha1_hex(kPdf1), std::string(40, 'a'));
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())));
  expect_failure(answer, "XDSRepositoryMetadataError", "hash");
  BOOST_TEST(answer.errors.front().location == "Document01");
  expect_nothing_stored(gateway);
}

BOOST_AUTO_TEST_CASE(size_not_matching_the_document_is_a_repository_metadata_error) {
  XdsGateway gateway;
  const auto metadata = replace_all(gateway.fresh_metadata(), "<rim:Value>172</rim:Value>",
                                    "<rim:Value>173</rim:Value>");
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())));
  expect_failure(answer, "XDSRepositoryMetadataError", "size");
  expect_nothing_stored(gateway);
}

BOOST_AUTO_TEST_CASE(document_entry_without_document_is_missing_document) {
  XdsGateway gateway;
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository",
                   provide_and_register_mtom(gateway.fresh_metadata(), {two_pdfs().front()})));
  expect_failure(answer, "XDSMissingDocument");
  BOOST_TEST(answer.errors.front().location == "Document02");
  expect_nothing_stored(gateway);
}

BOOST_AUTO_TEST_CASE(document_without_entry_is_missing_document_metadata) {
  XdsGateway gateway;
  auto documents = two_pdfs();
  documents.push_back({"Document03", "application/pdf", kPdf1});
  const auto answer = read_registry_answer(gateway.post(
      "/xds/repository", provide_and_register_mtom(gateway.fresh_metadata(), documents)));
  expect_failure(answer, "XDSMissingDocumentMetadata");
  BOOST_TEST(answer.errors.front().location == "Document03");
  expect_nothing_stored(gateway);
}

BOOST_AUTO_TEST_CASE(two_documents_with_one_unique_id_are_a_repository_duplicate) {
  XdsGateway gateway;
  const auto metadata = gateway.fresh_metadata();
  const auto duplicated = replace_all(metadata, document_unique_id(metadata, "Document02"),
                                      document_unique_id(metadata, "Document01"));
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository", provide_and_register_mtom(duplicated, two_pdfs())));
  expect_failure(answer, "XDSRepositoryDuplicateUniqueIdInMessage");
  BOOST_TEST(answer.errors.front().location == "Document02");
  expect_nothing_stored(gateway);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(registry_errors)

BOOST_AUTO_TEST_CASE(register_only_metadata_is_stored_without_content) {
  XdsGateway gateway;
  const auto metadata = replace_all(gateway.fresh_metadata(), "</rim:ExtrinsicObject>",
                                    "<rim:Slot name=\"repositoryUniqueId\"><rim:ValueList>"
                                    "<rim:Value>1.2.250.1.999.1.1.1</rim:Value></rim:ValueList>"
                                    "</rim:Slot></rim:ExtrinsicObject>");
  const auto answer =
      read_registry_answer(gateway.post("/xds/registry", register_document_set(metadata)));
  BOOST_TEST_REQUIRE(answer.success(), answer.codes());
  BOOST_TEST(gateway.counts().documents == 2);
  BOOST_TEST(gateway.counts().contents == 0);
}

BOOST_AUTO_TEST_CASE(missing_class_code_is_a_registry_metadata_error) {
  XdsGateway gateway;
  auto metadata = gateway.fresh_metadata();
  metadata = std::regex_replace(
      metadata, std::regex("<rim:Classification id=\"cl0102\"[\\s\\S]*?</rim:Classification>"), "");
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())));
  expect_failure(answer, "XDSRegistryMetadataError", "classCode");
  expect_nothing_stored(gateway);
}

BOOST_AUTO_TEST_CASE(patient_without_a_record_is_unknown) {
  XdsGateway gateway;
  const auto metadata =
      replace_all(gateway.fresh_metadata(), "1234567890123^^^", "2999999999999^^^");
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())));
  expect_failure(answer, "XDSUnknownPatientId", "2999999999999");
  expect_nothing_stored(gateway);
}

BOOST_AUTO_TEST_CASE(closed_record_accepts_no_document) {
  XdsGateway gateway;
  store::RecordStore(*gateway.pool).close(kTestPatient, "deces");
  const auto answer = read_registry_answer(gateway.post(
      "/xds/repository", provide_and_register_mtom(gateway.fresh_metadata(), two_pdfs())));
  expect_failure(answer, "XDSUnknownPatientId", "closed");
  expect_nothing_stored(gateway);
}

BOOST_AUTO_TEST_CASE(document_of_another_patient_does_not_match) {
  XdsGateway gateway;
  store::RecordStore(*gateway.pool)
      .create({"2999999999999^^^&1.2.250.1.213.1.4.10&ISO^NH", "MARTIN", "Paul", "1980-02-02", "M",
               "", "", "", ""});
  auto metadata = gateway.fresh_metadata();
  // Only Document02's patientId external identifier changes.
  const auto at = metadata.find("id=\"ei0201\"");
  const auto value = metadata.find("1234567890123^^^", at);
  metadata.replace(value, 13, "2999999999999");
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())));
  expect_failure(answer, "XDSPatientIdDoesNotMatch");
  expect_nothing_stored(gateway);
}

BOOST_AUTO_TEST_CASE(two_entries_with_one_unique_id_are_a_registry_duplicate) {
  XdsGateway gateway;
  auto metadata = replace_all(gateway.fresh_metadata(), "</rim:ExtrinsicObject>",
                              "<rim:Slot name=\"repositoryUniqueId\"><rim:ValueList>"
                              "<rim:Value>1.2.250.1.999.1.1.1</rim:Value></rim:ValueList>"
                              "</rim:Slot></rim:ExtrinsicObject>");
  metadata = replace_all(metadata, document_unique_id(metadata, "Document02"),
                         document_unique_id(metadata, "Document01"));
  const auto answer =
      read_registry_answer(gateway.post("/xds/registry", register_document_set(metadata)));
  expect_failure(answer, "XDSRegistryDuplicateUniqueIdInMessage");
  expect_nothing_stored(gateway);
}

BOOST_AUTO_TEST_CASE(unique_id_reused_with_other_content_is_non_identical_hash) {
  XdsGateway gateway;
  const auto metadata = gateway.fresh_metadata();
  BOOST_TEST_REQUIRE(
      read_registry_answer(
          gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())))
          .success());
  const auto before = gateway.counts();
  // A new lot reusing Document01's uniqueId for other bytes.
  auto again = with_fresh_unique_ids(metadata, "9");
  again = replace_all(again, document_unique_id(again, "Document01"),
                      document_unique_id(metadata, "Document01"));
  again = replace_all(again, sha1_hex(kPdf1), sha1_hex(kPdf2));
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository",
                   provide_and_register_mtom(again, {{"Document01", "application/pdf", kPdf2},
                                                     {"Document02", "application/pdf", kPdf2}})));
  expect_failure(answer, "XDSNonIdenticalHash");
  const auto after = gateway.counts();
  BOOST_TEST(after.objects == before.objects);
  BOOST_TEST(after.contents == before.contents);
}

BOOST_AUTO_TEST_CASE(unique_id_reregistered_with_another_size_is_non_identical_size) {
  XdsGateway gateway;
  const auto metadata = replace_all(gateway.fresh_metadata(), "</rim:ExtrinsicObject>",
                                    "<rim:Slot name=\"repositoryUniqueId\"><rim:ValueList>"
                                    "<rim:Value>1.2.250.1.999.1.1.1</rim:Value></rim:ValueList>"
                                    "</rim:Slot></rim:ExtrinsicObject>");
  BOOST_TEST_REQUIRE(
      read_registry_answer(gateway.post("/xds/registry", register_document_set(metadata)))
          .success());
  const auto before = gateway.counts();
  auto again = with_fresh_unique_ids(metadata, "9");
  again = replace_all(again, document_unique_id(again, "Document01"),
                      document_unique_id(metadata, "Document01"));
  again = replace_all(again, "<rim:Value>172</rim:Value>", "<rim:Value>999</rim:Value>");
  const auto answer =
      read_registry_answer(gateway.post("/xds/registry", register_document_set(again)));
  expect_failure(answer, "XDSNonIdenticalSize");
  BOOST_TEST(gateway.counts().objects == before.objects);
}

BOOST_AUTO_TEST_CASE(submission_set_unique_id_used_twice_is_a_duplicate_in_registry) {
  XdsGateway gateway;
  const auto metadata = gateway.fresh_metadata();
  BOOST_TEST_REQUIRE(
      read_registry_answer(
          gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())))
          .success());
  const auto before = gateway.counts();
  // New documents, same submission set uniqueId.
  const auto set_id_at = metadata.find("value=\"", metadata.find("id=\"ei0801\""));
  const auto set_unique_id =
      metadata.substr(set_id_at + 7, metadata.find('"', set_id_at + 7) - set_id_at - 7);
  auto again = with_fresh_unique_ids(metadata, "5");
  const auto new_set_at = again.find("value=\"", again.find("id=\"ei0801\""));
  again.replace(new_set_at + 7, again.find('"', new_set_at + 7) - new_set_at - 7, set_unique_id);
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository", provide_and_register_mtom(again, two_pdfs())));
  expect_failure(answer, "XDSDuplicateUniqueIdInRegistry");
  BOOST_TEST(gateway.counts().objects == before.objects);
  BOOST_TEST(gateway.counts().contents == before.contents);
}

BOOST_AUTO_TEST_CASE(database_failure_is_a_registry_error_and_the_gateway_keeps_answering) {
  XdsGateway gateway;
  const auto metadata = gateway.fresh_metadata();
  {
    // Rename the table lots are checked against: the registry fails inside.
    pqxx::connection connection(gateway.uri);
    pqxx::work tx(connection);
    tx.exec("ALTER TABLE patient_records RENAME TO patient_records_away");
    tx.commit();
  }
  const auto answer = read_registry_answer(
      gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())));
  expect_failure(answer, "XDSRegistryError");
  // The internal cause stays in the log, not in the answer.
  BOOST_TEST(answer.errors.front().context.find("patient_records") == std::string::npos);
  expect_nothing_stored(gateway);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(retrieve_errors)

BOOST_AUTO_TEST_CASE(unknown_document_and_unknown_repository_give_partial_success) {
  XdsGateway gateway;
  const auto metadata = gateway.fresh_metadata();
  BOOST_TEST_REQUIRE(
      read_registry_answer(
          gateway.post("/xds/repository", provide_and_register_mtom(metadata, two_pdfs())))
          .success());
  const auto known = document_unique_id(metadata, "Document01");
  const auto answer = read_retrieve_answer(gateway.post(
      "/xds/repository",
      retrieve_document_set(
          {{kTestRepository, known}, {kTestRepository, "1.2.3.4.5.404"}, {"1.2.3.999", known}})));
  BOOST_TEST(answer.registry.status == "urn:ihe:iti:2007:ResponseStatusType:PartialSuccess");
  BOOST_TEST_REQUIRE(answer.documents.size() == 1u);
  BOOST_TEST(answer.documents[0].bytes == kPdf1);
  BOOST_TEST_REQUIRE(answer.registry.errors.size() == 2u);
  BOOST_TEST(answer.registry.errors[0].code == "XDSDocumentUniqueIdError");
  BOOST_TEST(answer.registry.errors[0].location == "1.2.3.4.5.404");
  BOOST_TEST(answer.registry.errors[1].code == "XDSUnknownRepositoryId");
  BOOST_TEST(answer.registry.errors[1].location == known);
}

BOOST_AUTO_TEST_CASE(nothing_found_is_a_failure) {
  XdsGateway gateway;
  const auto answer = read_retrieve_answer(
      gateway.post("/xds/repository", retrieve_document_set({{kTestRepository, "1.2.3.4.5.404"}})));
  BOOST_TEST(answer.registry.status ==
             "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure");
  BOOST_TEST(answer.documents.empty());
}

BOOST_AUTO_TEST_SUITE_END()
