#define BOOST_TEST_MODULE xdm_collect
#include <boost/test/unit_test.hpp>

// XDM export from the store (registry::xdm::collect_package): a lot with
// two PDFs and its IHE DSG signature document is stored by ITI-41 over real
// TLS into a real PostgreSQL, then exported as one document, as the lot,
// for unknown uniqueIds and with documents the caller may not read.

#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "lot_signing.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xdm.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "passerelle/signature/lot_signature.hpp"
#include "runtimes.hpp"
#include "test_server.hpp"
#include "xds_client.hpp"
#include "xds_gateway.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::testing;
namespace xdm = passerelle::registry::xdm;

BOOST_TEST_GLOBAL_FIXTURE(XmlAndSignatureRuntimes);

const std::string kPdf1 = read_fixture("xds/document01.pdf");
const std::string kPdf2 = read_fixture("xds/document02.pdf");
std::atomic<int> salt{0};

// One signed lot stored through the gateway.
struct StoredLot {
  XdsTestGateway gateway;
  std::string metadata;
  std::string set_id;
  std::string first;      // Document01's uniqueId
  std::string second;     // Document02's uniqueId
  std::string signature;  // Signature01's uniqueId
  std::string signature_bytes;

  StoredLot() {
    metadata = with_signature_entry(without_slot(
        without_slot(with_fresh_unique_ids(two_document_metadata(), "77" + std::to_string(++salt)),
                     "hash"),
        "size"));
    const auto key = signature::SigningKey::from_pem_files(pki("structure.key").string(),
                                                           pki("structure.pem").string());
    const auto parts = with_signature_part(
        metadata,
        {{"Document01", "application/pdf", kPdf1}, {"Document02", "application/pdf", kPdf2}}, key);
    BOOST_TEST_REQUIRE(parts.size() == 3u);
    signature_bytes = parts[2].bytes;
    const auto answer = read_registry_answer(
        gateway.post("/xds/repository", provide_and_register_mtom(metadata, parts)));
    BOOST_TEST_REQUIRE(answer.success(), answer.codes());
    set_id = submission_set_unique_id(metadata);
    first = document_unique_id(metadata, "Document01");
    second = document_unique_id(metadata, "Document02");
    signature = document_unique_id(metadata, kSignatureEntryId);
  }

  xdm::Package collect(xdm::ExportRequest::Kind kind, const std::string& unique_id,
                       std::set<std::string> hidden = {}) {
    xdm::ExportRequest request;
    request.kind = kind;
    request.unique_id = unique_id;
    if (!hidden.empty()) {
      request.hidden = [hidden](const std::vector<std::string>& ids) {
        std::set<std::string> out;
        for (const auto& id : ids) {
          if (hidden.count(id) != 0) out.insert(id);
        }
        return out;
      };
    }
    return xdm::collect_package(*gateway.pool, request);
  }
};

std::vector<std::string> unique_ids(const xdm::PackagedLot& lot) {
  std::vector<std::string> out;
  for (const auto& document : lot.documents) {
    out.push_back(registry::read_document_entry(document.entry).unique_id);
  }
  return out;
}

std::set<std::string> association_types(const xdm::PackagedLot& lot) {
  std::set<std::string> out;
  for (const auto& association : lot.associations) {
    out.insert(association.association_type + " " + association.source_object + "->" +
               association.target_object);
  }
  return out;
}

void expect_refused(StoredLot& stored, xdm::ExportRequest::Kind kind, const std::string& unique_id,
                    const std::set<std::string>& hidden, const std::string& code,
                    const std::string& message) {
  try {
    stored.collect(kind, unique_id, hidden);
    BOOST_ERROR("exported " << unique_id << ", expected " << code);
  } catch (const Failure& failure) {
    BOOST_TEST(failure.error().code == code);
    BOOST_TEST(failure.error().location == unique_id);
    BOOST_TEST(failure.error().message == message);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_document_is_exported_with_its_lot_and_the_lot_signature) {
  StoredLot stored;
  const auto package = stored.collect(xdm::ExportRequest::Kind::Document, stored.first);
  BOOST_TEST_REQUIRE(package.lots.size() == 1u);
  const auto& lot = package.lots.front();
  BOOST_TEST(registry::read_submission_set(lot.submission_set).unique_id == stored.set_id);
  const std::vector<std::string> expected = {stored.first, stored.signature};
  BOOST_TEST(unique_ids(lot) == expected, boost::test_tools::per_element());
  BOOST_TEST(lot.documents[0].bytes == kPdf1);
  BOOST_TEST(lot.documents[1].bytes == stored.signature_bytes);
  const std::string set = lot.submission_set.id;
  const std::string doc = lot.documents[0].entry.id;
  const std::string sig = lot.documents[1].entry.id;
  const std::set<std::string> associations = {
      std::string(registry::vocab::kHasMember) + " " + set + "->" + doc,
      std::string(registry::vocab::kHasMember) + " " + set + "->" + sig,
      std::string(registry::vocab::kSigns) + " " + sig + "->" + set};
  BOOST_TEST(association_types(lot) == associations, boost::test_tools::per_element());

  // Written and read back: the stored bytes, the registered entries.
  auto exported = package;
  exported.producer = {"Test", "test@example.org", "Passerelle", "test"};
  const auto lots = xdm::read_package(xdm::write_package(exported));
  BOOST_TEST_REQUIRE(lots.size() == 1u);
  BOOST_TEST_REQUIRE(lots[0].documents.size() == 2u);
  BOOST_TEST(lots[0].documents[0].bytes == kPdf1);
  BOOST_TEST(lots[0].documents[0].sha1_hex == sha1_hex(kPdf1));
  BOOST_TEST(lots[0].documents[1].bytes == stored.signature_bytes);
}

BOOST_AUTO_TEST_CASE(the_signature_document_alone_comes_without_other_documents) {
  StoredLot stored;
  const auto package = stored.collect(xdm::ExportRequest::Kind::Document, stored.signature);
  BOOST_TEST(unique_ids(package.lots.at(0)) == std::vector<std::string>{stored.signature},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_lot_is_exported_with_every_document) {
  StoredLot stored;
  const auto package = stored.collect(xdm::ExportRequest::Kind::Lot, stored.set_id);
  BOOST_TEST_REQUIRE(package.lots.size() == 1u);
  const auto& lot = package.lots.front();
  const std::vector<std::string> expected = {stored.first, stored.second, stored.signature};
  BOOST_TEST(unique_ids(lot) == expected, boost::test_tools::per_element());
  BOOST_TEST(lot.documents[1].bytes == kPdf2);
  BOOST_TEST(lot.associations.size() == 4u);  // three HasMember, one signs
  BOOST_TEST(!package.created_at.empty());
  const auto lots = xdm::read_package(xdm::write_package(package));
  BOOST_TEST(lots.at(0).documents.size() == 3u);
}

BOOST_AUTO_TEST_CASE(unknown_unique_ids_are_refused) {
  StoredLot stored;
  expect_refused(stored, xdm::ExportRequest::Kind::Document, "1.2.250.1.999.404", {},
                 xds_codes::kDocumentUniqueIdError,
                 "no document with uniqueId '1.2.250.1.999.404' to export");
  expect_refused(stored, xdm::ExportRequest::Kind::Lot, "1.2.250.1.999.404", {},
                 xds_codes::kRegistryMetadataError,
                 "no lot with uniqueId '1.2.250.1.999.404' to export");
  // A document's uniqueId is no lot's, nor the reverse.
  expect_refused(stored, xdm::ExportRequest::Kind::Lot, stored.first, {},
                 xds_codes::kRegistryMetadataError,
                 "no lot with uniqueId '" + stored.first + "' to export");
  expect_refused(stored, xdm::ExportRequest::Kind::Document, stored.set_id, {},
                 xds_codes::kDocumentUniqueIdError,
                 "no document with uniqueId '" + stored.set_id + "' to export");
}

BOOST_AUTO_TEST_CASE(hidden_documents_are_left_out_as_if_they_did_not_exist) {
  StoredLot stored;
  // The document itself hidden: the same refusal as an unknown one.
  expect_refused(stored, xdm::ExportRequest::Kind::Document, stored.first, {stored.first},
                 xds_codes::kDocumentUniqueIdError,
                 "no document with uniqueId '" + stored.first + "' to export");
  // The lot's signature hidden: the document comes alone.
  auto package =
      stored.collect(xdm::ExportRequest::Kind::Document, stored.first, {stored.signature});
  BOOST_TEST(unique_ids(package.lots.at(0)) == std::vector<std::string>{stored.first},
             boost::test_tools::per_element());
  BOOST_TEST(package.lots.at(0).associations.size() == 1u);  // HasMember set → document
  // One document of the lot hidden.
  package = stored.collect(xdm::ExportRequest::Kind::Lot, stored.set_id, {stored.second});
  const std::vector<std::string> expected = {stored.first, stored.signature};
  BOOST_TEST(unique_ids(package.lots.at(0)) == expected, boost::test_tools::per_element());
  // No association points at the hidden document.
  std::set<std::string> packaged = {package.lots.at(0).submission_set.id};
  for (const auto& document : package.lots.at(0).documents) packaged.insert(document.entry.id);
  for (const auto& association : package.lots.at(0).associations) {
    BOOST_TEST(packaged.count(association.target_object) == 1u, association.target_object);
  }
  BOOST_TEST(package.lots.at(0).associations.size() == 3u);
  // Every document hidden: the lot is not shown at all.
  expect_refused(stored, xdm::ExportRequest::Kind::Lot, stored.set_id,
                 {stored.first, stored.second, stored.signature}, xds_codes::kRegistryMetadataError,
                 "no lot with uniqueId '" + stored.set_id + "' to export");
}

BOOST_AUTO_TEST_CASE(hidden_is_asked_about_the_lot_members) {
  StoredLot stored;
  std::vector<std::string> asked;
  xdm::ExportRequest request;
  request.kind = xdm::ExportRequest::Kind::Lot;
  request.unique_id = stored.set_id;
  request.hidden = [&asked](const std::vector<std::string>& ids) {
    asked.insert(asked.end(), ids.begin(), ids.end());
    return std::set<std::string>{};
  };
  xdm::collect_package(*stored.gateway.pool, request);
  const std::set<std::string> seen(asked.begin(), asked.end());
  const std::set<std::string> expected = {stored.first, stored.second, stored.signature};
  BOOST_TEST(seen == expected, boost::test_tools::per_element());
}
