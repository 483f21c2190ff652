#define BOOST_TEST_MODULE lot_signature
#include <boost/test/unit_test.hpp>

// Issue 9, end to end: ITI-41 over real TLS into real PostgreSQL under the
// shipped dmp profile ("lot_signature": {"required": true}) with the test
// CA as signature trust anchor. A lot carrying a valid IHE DSG signature
// document is stored; an unsigned, tampered or badly described one is
// refused with its own RegistryError and nothing is stored.

#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "foreign_lot_signers.hpp"
#include "lot_signing.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/gateway/xds_service.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/signature/lot_signature.hpp"
#include "runtimes.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"
#include "xds_client.hpp"
#include "xds_gateway.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::testing;

BOOST_TEST_GLOBAL_FIXTURE(XmlAndSignatureRuntimes);

signature::SigningKey key_of(const std::string& name) {
  return signature::SigningKey::from_pem_files(pki(name + ".key").string(),
                                               pki(name + ".pem").string());
}

// The shared XDS test gateway (dmp profile), its router rebuilt with the
// test CA as lot signature trust anchor.
struct SignedLotGateway : XdsTestGateway {
  std::atomic<int> salt{0};

  SignedLotGateway()
      : XdsTestGateway(
            std::make_shared<const registry::Profile>(registry::load_named_profile("dmp"))) {
    BOOST_TEST_REQUIRE(profile->lot_signature_required);
    gateway::XdsDependencies dependencies{pool, profile, kTestRepository, {}};
    dependencies.signature_trust = signature::TrustStore::from_pem_file(pki("ca.pem").string());
    server.reset();
    TestServerOptions options;
    options.db_uri = uri;
    options.router = gateway::make_xds_router(dependencies);
    server = std::make_unique<TestServer>(std::move(options));
  }

  struct Lot {
    std::string metadata;
    std::vector<Part> parts;
  };
  // The fixture's two PDF documents with fresh uniqueIds, hash and size left
  // to the repository (so a tampered byte reaches the signature check), and
  // the signature DocumentEntry.
  Lot fresh_lot() {
    Lot lot;
    lot.metadata = with_signature_entry(without_slot(
        without_slot(with_fresh_unique_ids(two_document_metadata(), std::to_string(++salt)),
                     "hash"),
        "size"));
    lot.parts = {{"Document01", "application/pdf", read_fixture("xds/document01.pdf")},
                 {"Document02", "application/pdf", read_fixture("xds/document02.pdf")}};
    return lot;
  }

  RegistryAnswer provide(const Lot& lot) {
    const auto reply = post("/xds/repository", provide_and_register_mtom(lot.metadata, lot.parts));
    BOOST_TEST(reply.status == 200u);
    return read_registry_answer(reply);
  }
};

std::string describe(const RegistryAnswer& answer) {
  std::string out = answer.status;
  for (const auto& error : answer.errors) {
    out += "\n  " + error.code + " @" + error.location + ": " + error.context;
  }
  return out;
}

void expect_refused(SignedLotGateway& gateway, const RegistryAnswer& answer,
                    const std::string& code, const std::string& location,
                    const std::string& context) {
  BOOST_TEST(!answer.success(), describe(answer));
  BOOST_TEST_REQUIRE(answer.errors.size() == 1u, describe(answer));
  BOOST_TEST(answer.errors.front().code == code);
  BOOST_TEST(answer.errors.front().location == location);
  BOOST_TEST(answer.errors.front().context == context);
  const auto counts = gateway.counts();
  BOOST_TEST(counts.objects == 0);
  BOOST_TEST(counts.documents == 0);
  BOOST_TEST(counts.contents == 0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(signed_lot_is_stored) {
  SignedLotGateway gateway;
  auto lot = gateway.fresh_lot();
  lot.parts = with_signature_part(lot.metadata, lot.parts, key_of("structure"));
  const auto answer = gateway.provide(lot);
  BOOST_TEST_REQUIRE(answer.success(), describe(answer));
  BOOST_TEST(gateway.counts().documents == 3);  // the two PDFs and the signature
  BOOST_TEST(gateway.counts().contents == 3);
}

BOOST_AUTO_TEST_CASE(lot_signed_like_the_dmp_reference_client_is_stored) {
  SignedLotGateway gateway;
  auto lot = gateway.fresh_lot();
  signature::LotSigningOptions sha1;
  sha1.dmp_reference_client_algorithms = true;
  lot.parts = with_signature_part(lot.metadata, lot.parts, key_of("structure"), sha1);
  BOOST_TEST_REQUIRE(lot.parts.back().bytes.find("#rsa-sha1") != std::string::npos);
  const auto answer = gateway.provide(lot);
  BOOST_TEST(answer.success(), describe(answer));
  BOOST_TEST(gateway.counts().documents == 3);
}

BOOST_AUTO_TEST_CASE(unsigned_lot_is_refused) {
  SignedLotGateway gateway;
  RegistryAnswer answer;
  {
    SignedLotGateway::Lot lot;
    lot.metadata = with_fresh_unique_ids(two_document_metadata(), "77");
    lot.parts = {{"Document01", "application/pdf", read_fixture("xds/document01.pdf")},
                 {"Document02", "application/pdf", read_fixture("xds/document02.pdf")}};
    answer = gateway.provide(lot);
  }
  expect_refused(gateway, answer, signature::lot_codes::kMissing, "SubmissionSet01",
                 "the profile 'dmp' requires signed lots and this one has no signature document "
                 "(IHE DSG, classCode urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1)");
}

BOOST_AUTO_TEST_CASE(tampered_document_is_refused) {
  SignedLotGateway gateway;
  auto lot = gateway.fresh_lot();
  lot.parts = with_signature_part(lot.metadata, lot.parts, key_of("structure"));
  lot.parts[1].bytes += " ";
  expect_refused(gateway, gateway.provide(lot), signature::lot_codes::kDocumentAltered,
                 kSignatureEntryId,
                 "document urn:oid:" + document_unique_id(lot.metadata, "Document02") +
                     " does not have the signed digest");
}

BOOST_AUTO_TEST_CASE(untrusted_signer_is_refused) {
  SignedLotGateway gateway;
  auto lot = gateway.fresh_lot();
  lot.parts = with_signature_part(lot.metadata, lot.parts, key_of("foreign-client"));
  const auto answer = gateway.provide(lot);
  BOOST_TEST_REQUIRE(answer.errors.size() == 1u, describe(answer));
  BOOST_TEST(answer.errors.front().code == signature::lot_codes::kUntrusted);
  BOOST_TEST(gateway.counts().objects == 0);
}

BOOST_AUTO_TEST_CASE(signature_without_signs_association_is_refused) {
  SignedLotGateway gateway;
  auto lot = gateway.fresh_lot();
  lot.parts = with_signature_part(lot.metadata, lot.parts, key_of("structure"));
  lot.metadata = replace_all(lot.metadata, "urn:ihe:iti:2007:AssociationType:signs",
                             "urn:ihe:iti:2007:AssociationType:XFRM");
  const auto answer = gateway.provide(lot);
  BOOST_TEST(!answer.success(), describe(answer));
  bool found = false;
  for (const auto& error : answer.errors) {
    found = found || (error.code == signature::lot_codes::kMetadata &&
                      error.context.find("no 'urn:ihe:iti:2007:AssociationType:signs'") !=
                          std::string::npos);
  }
  BOOST_TEST(found, describe(answer));
  BOOST_TEST(gateway.counts().objects == 0);
}

// ---- lots signed the way the public DMP signers sign (foreign_lot_signers.hpp) ----

namespace {

// A fresh lot of the two agreeing CDA fixtures (tests/fixtures/cda/agreement/,
// as xds_transactions_test.cpp sends them under the dmp profile, so they
// pass the cda/ checks) with the signature DocumentEntry; no signature part.
SignedLotGateway::Lot fresh_cda_lot(SignedLotGateway& gateway) {
  SignedLotGateway::Lot lot;
  lot.metadata = cda_metadata(with_signature_entry(
      with_fresh_unique_ids(two_document_metadata(), std::to_string(500 + ++gateway.salt))));
  const auto cda = [&](const std::string& fixture, const std::string& fixture_id,
                       const std::string& entry) {
    return replace_all(read_fixture(fixture), "\"" + fixture_id + "\"",
                       "\"" + document_unique_id(lot.metadata, entry) + "\"");
  };
  lot.parts = {{"Document01", "text/xml",
                cda("cda/agreement/document01.xml", "1.2.250.1.999.1.1.20240502.1", "Document01")},
               {"Document02", "text/xml",
                cda("cda/agreement/document02.xml", "1.2.250.1.999.1.1.20240503.1", "Document02")}};
  return lot;
}

// `lot` plus a signature part made by `signer` with a C14N-with-comments
// transform on each CDA reference (the digest of the canonical form), the
// signature's Id being the signature entry's uniqueId as both signers write it.
void sign_like(Signer signer, SignedLotGateway::Lot& lot) {
  std::vector<ForeignReference> references;
  for (const Part& part : lot.parts) {
    references.push_back({document_unique_id(lot.metadata, part.id),
                          c14n_with_comments(part.bytes),
                          {xmlSecTransformInclC14NWithCommentsId}});
  }
  ForeignOptions options;
  options.signature_id = document_unique_id(lot.metadata, kSignatureEntryId);
  lot.parts.push_back({kSignatureEntryId, "text/xml",
                       foreign_signature(signer, submission_set_unique_id(lot.metadata), references,
                                         key_of("structure"), options)});
}

}  // namespace

BOOST_AUTO_TEST_CASE(lot_signed_like_the_csharp_dmp_kit_is_stored) {
  SignedLotGateway gateway;
  auto lot = fresh_cda_lot(gateway);
  sign_like(Signer::CSharpKit, lot);
  const std::string& signed_lot = lot.parts.back().bytes;
  BOOST_TEST_REQUIRE(signed_lot.find("#rsa-sha1") != std::string::npos);
  BOOST_TEST_REQUIRE(signed_lot.find("<ds:Transform Algorithm=\"" + std::string(kC14nWithComments) +
                                     "\"/>") != std::string::npos);
  BOOST_TEST_REQUIRE(signed_lot.find("xmlns:xades=\"" + std::string(kXades132) + "\"") !=
                     std::string::npos);
  // The CDAs are sent as the fixtures are (XML declaration, comments), not
  // in the canonical form the manifest digests.
  BOOST_TEST_REQUIRE(lot.parts[0].bytes != c14n_with_comments(lot.parts[0].bytes));
  const auto answer = gateway.provide(lot);
  BOOST_TEST_REQUIRE(answer.success(), describe(answer));
  BOOST_TEST(answer.errors.empty(), describe(answer));
  BOOST_TEST(gateway.counts().documents == 3);  // the two CDAs and the signature
  BOOST_TEST(gateway.counts().contents == 3);
}

BOOST_AUTO_TEST_CASE(lot_signed_like_drimbox_with_xades_111_is_stored) {
  SignedLotGateway gateway;
  auto lot = fresh_cda_lot(gateway);
  // DRIMbox canonicalises the CDA before sending it.
  for (Part& part : lot.parts) part.bytes = c14n_with_comments(part.bytes);
  sign_like(Signer::Drimbox, lot);
  const std::string& signed_lot = lot.parts.back().bytes;
  BOOST_TEST_REQUIRE(signed_lot.find("<QualifyingProperties xmlns=\"" + std::string(kXades111) +
                                     "\"") != std::string::npos);
  BOOST_TEST_REQUIRE(
      signed_lot.find("Type=\"http://uri.etsi.org/01903/v1.1.1#SignedProperties\"") !=
      std::string::npos);
  const auto answer = gateway.provide(lot);
  BOOST_TEST_REQUIRE(answer.success(), describe(answer));
  BOOST_TEST(answer.errors.empty(), describe(answer));
  BOOST_TEST(gateway.counts().documents == 3);
  BOOST_TEST(gateway.counts().contents == 3);
}

BOOST_AUTO_TEST_CASE(lot_signed_like_the_csharp_dmp_kit_with_an_altered_cda_is_refused) {
  SignedLotGateway gateway;
  auto lot = fresh_cda_lot(gateway);
  sign_like(Signer::CSharpKit, lot);
  // The patient's house number: outside what the cda/ checks compare with
  // the metadata, so only the signature can catch it.
  const std::string before = lot.parts[0].bytes;
  lot.parts[0].bytes = replace_all(lot.parts[0].bytes, "<houseNumber>28</houseNumber>",
                                   "<houseNumber>29</houseNumber>");
  BOOST_TEST_REQUIRE(c14n_with_comments(lot.parts[0].bytes) != c14n_with_comments(before));
  expect_refused(gateway, gateway.provide(lot), signature::lot_codes::kDocumentAltered,
                 kSignatureEntryId,
                 "document urn:oid:" + document_unique_id(lot.metadata, "Document01") +
                     " does not have the signed digest (of its canonical form, transform \"" +
                     kC14nWithComments + "\")");
}

// ---- passerelle lot sign / lot verify on a LOT_DIR (docs/signature.md) ----

namespace {

// Runs the passerelle binary; returns its exit status, stdout in `output`.
int run_passerelle(const std::string& arguments, const TempDir& dir, std::string& output) {
  const std::string out = (dir.path() / "stdout.txt").string();
  const int status = std::system(
      (std::string(PASSERELLE_BINARY) + " " + arguments + " >" + out + " 2>&1").c_str());
  std::ifstream in(out);
  std::ostringstream text;
  text << in.rdbuf();
  output = text.str();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The fixture lot as a LOT_DIR: METADATA.XML with a URI slot per document.
void write_lot_dir(const TempDir& dir, const std::string& metadata) {
  std::string with_uris = metadata;
  for (const auto& [entry, file] :
       {std::pair<std::string, std::string>{"Document01", "DOC0001.PDF"},
        {"Document02", "DOC0002.PDF"}}) {
    const std::size_t at = with_uris.find("<rim:ExtrinsicObject id=\"" + entry + "\"");
    const std::size_t end = with_uris.find('>', at) + 1;
    with_uris.insert(end, "<rim:Slot name=\"URI\"><rim:ValueList><rim:Value>" + file +
                              "</rim:Value></rim:ValueList></rim:Slot>");
  }
  std::ofstream(dir.path() / "METADATA.XML", std::ios::binary) << with_uris;
  std::ofstream(dir.path() / "DOC0001.PDF", std::ios::binary) << read_fixture("xds/document01.pdf");
  std::ofstream(dir.path() / "DOC0002.PDF", std::ios::binary) << read_fixture("xds/document02.pdf");
}

}  // namespace

BOOST_AUTO_TEST_CASE(lot_sign_and_lot_verify_commands) {
  TempDir dir("lot-cli");
  write_lot_dir(dir, two_document_metadata());
  const std::string signature_file = (dir.path() / "SIGNATURE.XML").string();
  std::string output;
  BOOST_TEST_REQUIRE(run_passerelle("lot sign --key " + pki("structure.key").string() + " --cert " +
                                        pki("structure.pem").string() + " --out " + signature_file +
                                        " " + dir.path().string(),
                                    dir, output) == 0,
                     output);
  const std::string verify = "lot verify --trust " + pki("ca.pem").string() + " --signature " +
                             signature_file + " " + dir.path().string();
  BOOST_TEST(run_passerelle(verify, dir, output) == 0, output);
  BOOST_TEST(output.rfind("valid: signed by \"CN=passerelle-test.10B0152872", 0) == 0u, output);

  std::ofstream(dir.path() / "DOC0002.PDF", std::ios::binary | std::ios::app) << " ";
  BOOST_TEST(run_passerelle(verify, dir, output) == 1, output);
  BOOST_TEST(output ==
             "passerelle:LotDocumentAltered: document urn:oid:1.2.250.1.999.1.1.20240503.1 "
             "does not have the signed digest\n");

  BOOST_TEST(
      run_passerelle("lot verify --trust " + pki("ca.pem").string() + " " + dir.path().string(),
                     dir, output) == 1);
  BOOST_TEST(output ==
             "passerelle:LotSignatureMissing: the lot has no signature document (give --signature "
             "FILE)\n");
}

BOOST_AUTO_TEST_CASE(signature_entry_with_another_type_code_is_refused) {
  SignedLotGateway gateway;
  auto lot = gateway.fresh_lot();
  lot.parts = with_signature_part(lot.metadata, lot.parts, key_of("structure"));
  lot.metadata = replace_all(lot.metadata, "\"E1762\"", "\"E1763\"");
  expect_refused(gateway, gateway.provide(lot), signature::lot_codes::kMetadata, kSignatureEntryId,
                 "signature document: typeCode is 'E1763' (scheme 'ASTM'), not 'E1762' (scheme "
                 "'ASTM')");
}

BOOST_AUTO_TEST_CASE(only_the_dmp_profile_requires_signed_lots) {
  BOOST_TEST(registry::load_named_profile("dmp").lot_signature_required);
  BOOST_TEST(!registry::load_named_profile("ihe-test").lot_signature_required);
}
