#define BOOST_TEST_MODULE download
#include <boost/test/unit_test.hpp>

// Issue 10 (R-OUT-1, R-OUT-2, R-TRACE-4; docs/downloads.md) over real TLS
// and PostgreSQL, with VIHF assertions signed by the test PKI and the dmp
// profile's access policy on (CDA validation and lot signatures off, so
// that a structured CDA and plain PDFs can be deposited as they are). One
// seeded record: a lot of two CDAs (a PDF in a nonXMLBody, a structured
// body), a lot of two PDFs whose first is masked (MASQUE_PS), and a lot
// whose first PDF is of a type nurses may not read.

#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "download_client.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/traces.hpp"
#include "passerelle/registry/xdm.hpp"
#include "passerelle/signature/lot_signature.hpp"
#include "passerelle/signature/signer.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "passerelle/soap/namespaces.hpp"
#include "policy_fixtures.hpp"
#include "remove_metadata_client.hpp"
#include "run_binary.hpp"
#include "test_server.hpp"

using namespace passerelle;
using namespace passerelle::testing;

namespace {

struct Record;
std::unique_ptr<Record>& seed_slot();

// The seeded gateway goes before the runtimes it uses.
struct Runtimes {
  xml::Runtime xml_runtime;
  signature::Runtime signature_runtime;
  ~Runtimes() { seed_slot().reset(); }
};
BOOST_TEST_GLOBAL_FIXTURE(Runtimes);

constexpr const char* kDoctor = "810000000001";
constexpr const char* kNurse = "810000000002";
constexpr const char* kPassFault = "urn:passerelle:fault";
constexpr const char* kIheFault = "urn:ihe:iti:2007";

const std::string kCdaPdf = read_fixture("cda/agreement/document01.xml");
const std::string kStructuredCda = read_fixture("cda/minimal-n3.xml");
const std::string kPdf1 = read_fixture("xds/document01.pdf");
const std::string kPdf2 = read_fixture("xds/document02.pdf");

// The base64 text of the CDA's nonXMLBody, decoded by OpenSSL (not by the
// code under test).
std::string decoded_body(const std::string& cda) {
  static const std::regex text("representation=\"B64\">([^<]*)<");
  std::smatch match;
  BOOST_REQUIRE(std::regex_search(cda, match, text));
  const std::string b64 = match[1];
  std::string out(b64.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()),
                                static_cast<int>(b64.size()));
  BOOST_REQUIRE(n >= 0);
  const auto padding = b64.size() - b64.find_last_not_of('=') - 1;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

std::shared_ptr<const registry::Profile> download_profile() {
  registry::Profile profile = registry::load_named_profile("dmp");
  profile.validate_cda = false;
  profile.lot_signature_required = false;
  return std::make_shared<const registry::Profile>(std::move(profile));
}

XdsGatewayOptions options_with(const std::function<void(gateway::XdsDependencies&)>& change) {
  XdsGatewayOptions options = with_policy();
  options.customize_xds = change;
  return options;
}

VihfSpec nurse() {
  VihfSpec spec = professional(kNurse);
  spec.set("urn:oasis:names:tc:xacml:2.0:subject:role", {},
           {{"60", "1.2.250.1.71.1.2.7", "Infirmier"}});
  return spec;
}

// A gateway with the seeded record; each deposit without a VIHF (the
// policy does not decide deposits without one).
struct Record {
  XdsTestGateway gateway;
  std::string cda_pdf, structured, masked, plain_pdf, nurse_unreadable;  // uniqueIds
  int salt = 0;

  explicit Record(XdsGatewayOptions options) : gateway(download_profile(), std::move(options)) {
    const auto cdas = deposit(cda_metadata(fresh()), {{"Document01", "text/xml", kCdaPdf},
                                                      {"Document02", "text/xml", kStructuredCda}});
    cda_pdf = document_unique_id(cdas, "Document01");
    structured = document_unique_id(cdas, "Document02");
    const auto pdfs = deposit(with_confidentiality_code(fresh(), "MASQUE_PS"), two_pdfs());
    masked = document_unique_id(pdfs, "Document01");
    plain_pdf = document_unique_id(pdfs, "Document02");
    // 28617-9 (class 10): doctors read it, nurses do not (habilitation.json).
    const auto typed = deposit(
        replace_all(fresh(), "classifiedObject=\"Document01\" nodeRepresentation=\"11488-4\"",
                    "classifiedObject=\"Document01\" nodeRepresentation=\"28617-9\""),
        two_pdfs());
    nurse_unreadable = document_unique_id(typed, "Document01");
    authorise(*gateway.pool, kDoctor);
    authorise(*gateway.pool, kNurse);
  }

  std::string fresh() {
    return with_fresh_unique_ids(two_document_metadata(), std::to_string(9100 + ++salt));
  }
  static std::vector<Part> two_pdfs() {
    return {{"Document01", "application/pdf", kPdf1}, {"Document02", "application/pdf", kPdf2}};
  }
  std::string deposit(const std::string& metadata, const std::vector<Part>& parts) {
    const auto answer = read_registry_answer(
        gateway.post("/xds/repository", provide_and_register_mtom(metadata, parts)));
    if (!answer.success()) throw std::runtime_error("seeding failed: " + answer.codes());
    return metadata;
  }

  HttpReply download(const std::vector<std::string>& ids, const std::string& format,
                     const std::optional<VihfSpec>& caller = professional(kDoctor)) const {
    const auto request = download_request(ids, format);
    return gateway.post("/xds/registry", caller ? with_vihf(request, *caller) : request);
  }

  // The traces of `action` by `person`, oldest first.
  std::vector<store::Trace> traces(const std::string& person, store::TraceAction action) const {
    std::vector<store::Trace> out;
    for (auto& trace : all_traces(*gateway.pool)) {
      if (trace.actor.id == person && trace.action == action) out.push_back(std::move(trace));
    }
    return out;
  }
  // The download traces about a document (one per document given).
  std::size_t document_downloads(const std::string& person) const {
    std::size_t n = 0;
    for (const auto& trace : traces(person, store::TraceAction::Download)) {
      n += trace.document_unique_id.has_value() ? 1 : 0;
    }
    return n;
  }
};

std::unique_ptr<Record>& seed_slot() {
  static std::unique_ptr<Record> slot;
  return slot;
}
// The record most tests share (each reads only, or adds traces).
Record& seeded() {
  if (!seed_slot()) seed_slot() = std::make_unique<Record>(with_policy());
  return *seed_slot();
}

void check_fault(const HttpReply& reply, const std::string& ns, const std::string& subcode,
                 const std::string& reason) {
  BOOST_TEST(reply.status == 400u);
  const auto fault = read_fault(reply);
  BOOST_TEST(fault.code == "Sender");
  BOOST_TEST(fault.subcode_namespace == ns);
  BOOST_TEST(fault.subcode == subcode);
  BOOST_TEST(fault.reason == reason);
}

}  // namespace

BOOST_AUTO_TEST_CASE(original_format_is_the_decoded_non_xml_body) {
  auto& s = seeded();
  const auto reply = s.download({s.cda_pdf}, "original");
  BOOST_TEST_REQUIRE(reply.status == 200u, reply.body.substr(0, 600));
  const auto answer = read_download_answer(reply);
  BOOST_TEST(answer.bytes == decoded_body(kCdaPdf));
  BOOST_TEST(answer.bytes.rfind("%PDF-", 0) == 0u);  // no CDA header left
  BOOST_TEST(answer.media_type == "application/pdf");
  BOOST_TEST(answer.part_content_type == "application/pdf");
  BOOST_TEST(answer.file_name == s.cda_pdf + ".pdf");
}

BOOST_AUTO_TEST_CASE(cda_format_is_the_stored_document) {
  auto& s = seeded();
  const auto reply = s.download({s.cda_pdf}, "cda");
  BOOST_TEST_REQUIRE(reply.status == 200u, reply.body.substr(0, 600));
  const auto answer = read_download_answer(reply);
  BOOST_TEST(answer.bytes == kCdaPdf);
  BOOST_TEST(answer.media_type == "text/xml");
  BOOST_TEST(answer.part_content_type == "text/xml");
  BOOST_TEST(answer.file_name == s.cda_pdf + ".xml");
}

BOOST_AUTO_TEST_CASE(a_document_that_is_no_cda_is_its_own_original) {
  auto& s = seeded();
  const auto answer = read_download_answer(s.download({s.plain_pdf}, "original"));
  BOOST_TEST(answer.bytes == kPdf2);
  BOOST_TEST(answer.media_type == "application/pdf");
  BOOST_TEST(answer.file_name == s.plain_pdf + ".pdf");
  check_fault(s.download({s.plain_pdf}, "cda"), kPassFault, "DownloadNotCda",
              "document '" + s.plain_pdf +
                  "' is stored as application/pdf, not as a CDA: ask for the original or xdm "
                  "format");
}

BOOST_AUTO_TEST_CASE(structured_cda_has_no_original_format) {
  auto& s = seeded();
  const auto before = s.document_downloads(kDoctor);
  check_fault(s.download({s.structured}, "original"), kPassFault, "CdaStructuredBody",
              "the CDA has a structured body: it has no original document to download (ask for "
              "the cda or xdm format)");
  BOOST_TEST(s.document_downloads(kDoctor) == before);  // nothing given, nothing traced
  // The same document as a CDA is given.
  BOOST_TEST(read_download_answer(s.download({s.structured}, "cda")).bytes == kStructuredCda);
}

// R-OUT-2: one document per request; refused before anything is read or traced.
BOOST_AUTO_TEST_CASE(two_documents_in_one_request_are_refused) {
  auto& s = seeded();
  const auto before = all_traces(*s.gateway.pool).size();
  check_fault(s.download({s.cda_pdf, s.plain_pdf}, "original"), kPassFault,
              "DownloadOneDocumentPerRequest",
              "a download request names exactly one document (R-OUT-2); this one names 2");
  BOOST_TEST(all_traces(*s.gateway.pool).size() == before);
}

BOOST_AUTO_TEST_CASE(format_must_be_one_of_three) {
  auto& s = seeded();
  check_fault(s.download({s.cda_pdf}, "pdf"), kPassFault, "DownloadUnknownFormat",
              "dmp:Format must be original, cda or xdm, not 'pdf'");
  check_fault(s.download({s.cda_pdf}, ""), kPassFault, "DownloadUnknownFormat",
              "dmp:Format must be original, cda or xdm, not ''");
}

// R-READ-1: masked, forbidden by the habilitation matrix and unknown look the same.
BOOST_AUTO_TEST_CASE(hidden_and_unknown_documents_are_answered_alike) {
  auto& s = seeded();
  const std::string unknown = "1.2.250.1.999.9.9.9.9";
  const auto reason = [](const std::string& id) {
    return "no document with uniqueId '" + id + "' in this repository";
  };
  const auto before = s.document_downloads(kDoctor) + s.document_downloads(kNurse);
  for (const char* format : {"original", "cda", "xdm"}) {
    check_fault(s.download({unknown}, format), kIheFault, "XDSDocumentUniqueIdError",
                reason(unknown));
    check_fault(s.download({s.masked}, format), kIheFault, "XDSDocumentUniqueIdError",
                reason(s.masked));
    check_fault(s.download({s.nurse_unreadable}, format, nurse()), kIheFault,
                "XDSDocumentUniqueIdError", reason(s.nurse_unreadable));
  }
  BOOST_TEST(s.document_downloads(kDoctor) + s.document_downloads(kNurse) == before);
  // The doctor may read the type the nurse may not: the refusal was the policy's.
  BOOST_TEST(read_download_answer(s.download({s.nurse_unreadable}, "original")).bytes == kPdf1);
}

BOOST_AUTO_TEST_CASE(without_a_vihf_nothing_is_given) {
  auto& s = seeded();
  check_fault(s.download({s.cda_pdf}, "original", std::nullopt), passerelle::ns::kWsse,
              "FailedAuthentication", "the Download operation needs a VIHF assertion");
}

BOOST_AUTO_TEST_CASE(without_the_access_policy_nothing_is_given) {
  XdsTestGateway gateway(download_profile());  // access_policy off
  BOOST_TEST_REQUIRE(!gateway.profile->access_policy);
  const auto reply = gateway.post(
      "/xds/registry", with_vihf(download_request({"1.2.3"}, "cda"), professional(kDoctor)));
  check_fault(reply, kPassFault, "DownloadWithoutAccessPolicy",
              "downloads are decided by the DMP access policy, which this gateway's profile has "
              "off: nothing can be downloaded");
}

// R-TRACE-1: one `download` trace per document given, detail = the format.
BOOST_AUTO_TEST_CASE(each_download_is_traced) {
  auto& s = seeded();
  for (const char* format : {"original", "cda"}) {
    const auto before = s.traces(kDoctor, store::TraceAction::Download).size();
    BOOST_TEST_REQUIRE(s.download({s.cda_pdf}, format).status == 200u);
    const auto after = s.traces(kDoctor, store::TraceAction::Download);
    BOOST_TEST_REQUIRE(after.size() == before + 2);  // the record read, then the document
    BOOST_TEST(!after[before].document_unique_id.has_value());
    const auto& given = after.back();
    BOOST_TEST(given.allowed);
    BOOST_TEST(given.document_unique_id.value_or("") == s.cda_pdf);
    BOOST_TEST(given.detail == format);
    BOOST_TEST(given.patient_id == kTestPatient);
  }
  BOOST_TEST(s.traces(kDoctor, store::TraceAction::Misuse).empty());  // threshold 100
}

// A refusal of the policy is traced as a refused download.
BOOST_AUTO_TEST_CASE(refused_download_is_traced) {
  auto& s = seeded();
  const std::string stranger = "810000000003";  // no consent
  const auto reply = s.download({s.cda_pdf}, "cda", professional(stranger));
  const auto fault = read_fault(reply);
  BOOST_TEST(fault.subcode == "DMP_AUTH_CONSENT_REQUIRED");
  BOOST_TEST(fault.subcode_namespace == "urn:passerelle:dmp");
  const auto refused = s.traces(stranger, store::TraceAction::Download);
  BOOST_TEST_REQUIRE(refused.size() == 1u);
  BOOST_TEST(!refused[0].allowed);
  BOOST_TEST(refused[0].reason_code == "DMP_AUTH_CONSENT_REQUIRED");
}

// R-TRACE-4: past the threshold, each download also leaves a `misuse`
// trace; the download is given all the same.
BOOST_AUTO_TEST_CASE(misuse_is_traced_past_the_threshold_and_never_blocks) {
  Record r(options_with([](gateway::XdsDependencies& d) {
    d.download_misuse_threshold = 2;
    d.download_misuse_period = std::chrono::seconds(3600);
  }));
  for (int i = 1; i <= 2; ++i) {
    BOOST_TEST_REQUIRE(r.download({r.cda_pdf}, "original").status == 200u);
    BOOST_TEST(r.traces(kDoctor, store::TraceAction::Misuse).empty());
  }
  const auto third = r.download({r.plain_pdf}, "original");
  BOOST_TEST_REQUIRE(third.status == 200u);
  BOOST_TEST(read_download_answer(third).bytes == kPdf2);
  auto misuse = r.traces(kDoctor, store::TraceAction::Misuse);
  BOOST_TEST_REQUIRE(misuse.size() == 1u);
  BOOST_TEST(misuse[0].allowed);
  BOOST_TEST(misuse[0].detail == "3 downloads in the last 3600 s (threshold 2)");
  BOOST_TEST(misuse[0].document_unique_id.value_or("") == r.plain_pdf);
  BOOST_TEST(misuse[0].patient_id == kTestPatient);
  BOOST_TEST_REQUIRE(r.download({r.cda_pdf}, "cda").status == 200u);
  misuse = r.traces(kDoctor, store::TraceAction::Misuse);
  BOOST_TEST_REQUIRE(misuse.size() == 2u);
  BOOST_TEST(misuse[1].detail == "4 downloads in the last 3600 s (threshold 2)");
  // Another professional's count is their own.
  BOOST_TEST_REQUIRE(r.download({r.cda_pdf}, "cda", nurse()).status == 200u);
  BOOST_TEST(r.traces(kNurse, store::TraceAction::Misuse).empty());

  // The operator's trace view shows them as they are (newest first).
  TestServerOptions api;
  api.db_uri = r.gateway.uri;
  api.operator_token = "download-test-token";
  TestServer operator_api(std::move(api));
  const auto reply = operator_api.connect().request(
      "GET", "/api/v1/records/1234567890123%5E%5E%5E%261.2.250.1.213.1.4.10%26ISO%5ENH/traces", "",
      "", {{"Authorization", "Bearer download-test-token"}});
  BOOST_TEST_REQUIRE(reply.status == 200u, reply.body);
  std::vector<std::string> shown;
  const auto page = nlohmann::json::parse(reply.body);
  for (const auto& trace : page.at("traces")) {
    if (trace.at("actor_id") != kDoctor) continue;
    shown.push_back(trace.at("action").get<std::string>() + " " +
                    trace.at("detail").get<std::string>());
  }
  BOOST_TEST_REQUIRE(shown.size() >= 3u, reply.body.substr(0, 1500));
  BOOST_TEST(shown[0] == "misuse 4 downloads in the last 3600 s (threshold 2)");
  BOOST_TEST(shown[1] == "download cda");
  BOOST_TEST(shown[2] == "download ");  // the read of the record
}

namespace {

// The DocumentEntries of an imported lot, with their bytes.
struct PackagedEntry {
  registry::DocumentEntry entry;
  std::string bytes;
};
std::vector<PackagedEntry> entries_of(const registry::xdm::ImportedLot& lot) {
  std::vector<PackagedEntry> out;
  for (const auto& document : lot.documents) {
    for (const auto& object : lot.request.objects) {
      if (object.id == document.entry_id) {
        out.push_back({registry::read_document_entry(object), document.bytes});
      }
    }
  }
  return out;
}

bool is_dsg(const registry::DocumentEntry& entry) {
  return entry.format_code && entry.format_code->code == "urn:ihe:iti:dsg:detached:2014";
}

}  // namespace

// XDM: the document in its own lot, a ZIP registry::xdm::read_package accepts.
BOOST_AUTO_TEST_CASE(xdm_format_is_a_package_holding_the_document) {
  auto& s = seeded();
  const auto reply = s.download({s.cda_pdf}, "xdm");
  BOOST_TEST_REQUIRE(reply.status == 200u, reply.body.substr(0, 600));
  const auto answer = read_download_answer(reply);
  BOOST_TEST(answer.media_type == "application/zip");
  BOOST_TEST(answer.file_name == s.cda_pdf + ".zip");
  BOOST_TEST(answer.bytes.rfind("PK\x03\x04", 0) == 0u);
  const auto lots = registry::xdm::read_package(answer.bytes);
  BOOST_TEST_REQUIRE(lots.size() == 1u);
  const auto entries = entries_of(lots[0]);
  BOOST_TEST_REQUIRE(entries.size() == 1u);  // no gateway signature without a key
  BOOST_TEST(entries[0].entry.unique_id == s.cda_pdf);
  BOOST_TEST(entries[0].bytes == kCdaPdf);
  const auto traces = s.traces(kDoctor, store::TraceAction::Download);
  BOOST_TEST_REQUIRE(!traces.empty());
  BOOST_TEST(traces.back().detail == "xdm");
}

// Issue 9 follow-up: with an export signing key, the package's lot carries
// the gateway's DSG signature of its documents, which verifies.
BOOST_AUTO_TEST_CASE(exported_lot_is_signed_by_the_gateway) {
  Record r(options_with([](gateway::XdsDependencies& d) {
    d.export_signing_key =
        std::make_shared<const signature::SigningKey>(signature::SigningKey::from_pem_files(
            pki("structure.key").string(), pki("structure.pem").string()));
  }));
  const auto answer = read_download_answer(r.download({r.cda_pdf}, "xdm"));
  const auto lots = registry::xdm::read_package(answer.bytes);
  BOOST_TEST_REQUIRE(lots.size() == 1u);
  const auto submission = registry::read_submission(lots[0].request);
  BOOST_TEST_REQUIRE(submission.submission_sets.size() == 1u);
  const auto& set = submission.submission_sets.front();
  signature::Lot lot{set.unique_id, {}};
  std::optional<PackagedEntry> signature_document;
  for (auto& packaged : entries_of(lots[0])) {
    if (is_dsg(packaged.entry)) {
      BOOST_TEST_REQUIRE(!signature_document.has_value());
      signature_document = std::move(packaged);
    } else {
      lot.documents.push_back(
          signature::LotDocument::from_bytes(packaged.entry.unique_id, packaged.bytes));
    }
  }
  BOOST_TEST_REQUIRE(signature_document.has_value());
  BOOST_TEST_REQUIRE(lot.documents.size() == 1u);
  const auto& entry = signature_document->entry;
  BOOST_TEST(entry.mime_type == "text/xml");
  BOOST_TEST(entry.class_code->code == "urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1");
  BOOST_TEST(entry.type_code->code == "E1762");
  BOOST_TEST(entry.language_code == "art");
  BOOST_TEST(entry.patient_id == kTestPatient);
  BOOST_TEST_REQUIRE(entry.event_codes.size() == 1u);
  BOOST_TEST(entry.event_codes[0].code == "1.2.840.10065.1.12.1.14");
  bool signs = false, member = false;
  for (const auto& association : submission.associations) {
    signs |= association.type == "urn:ihe:iti:2007:AssociationType:signs" &&
             association.source == entry.entry_uuid && association.target == set.entry_uuid;
    member |= association.type == "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember" &&
              association.source == set.entry_uuid && association.target == entry.entry_uuid;
  }
  BOOST_TEST(signs);
  BOOST_TEST(member);
  const auto trust = signature::TrustStore::from_pem_file(pki("ca.pem").string());
  const auto verified = signature::verify_lot_signature(signature_document->bytes, lot, *trust);
  BOOST_TEST(verified.signer.subject == pki_subject("structure"));
  // The signature covers the bytes: another document does not verify.
  signature::Lot altered{set.unique_id,
                         {signature::LotDocument::from_bytes(lot.documents[0].unique_id, kPdf1)}};
  try {
    signature::verify_lot_signature(signature_document->bytes, altered, *trust);
    BOOST_FAIL("an altered document verified");
  } catch (const Failure& failure) {
    BOOST_TEST(failure.error().code == signature::lot_codes::kDocumentAltered);
  }
}

// `serve` stops before any database starts when the export signing options
// are incomplete or the key is not the certificate's.
BOOST_AUTO_TEST_CASE(serve_refuses_an_unusable_export_signing_key) {
  const std::vector<std::string> base = {"serve",      "--insecure-http",
                                         "--listen",   "127.0.0.1:0",
                                         "--data-dir", "/nonexistent/download-test"};
  auto only_key = base;
  only_key.insert(only_key.end(), {"--export-signing-key", pki("structure.key").string()});
  const auto incomplete = run(only_key);
  BOOST_TEST(incomplete.exit_code == 1);
  BOOST_TEST((incomplete.out + incomplete.err)
                     .find("--export-signing-key: give both --export-signing-key and "
                           "--export-signing-cert, or neither") != std::string::npos,
             incomplete.out + incomplete.err);
  auto mismatched = only_key;
  mismatched.insert(mismatched.end(), {"--export-signing-cert", pki("ca.pem").string()});
  const auto refused = run(mismatched);
  BOOST_TEST(refused.exit_code == 1);
  BOOST_TEST(
      (refused.out + refused.err)
              .find("the private key is not the key of certificate \"CN=Passerelle Test Root "
                    "CA,O=Passerelle Test,C=FR\"") != std::string::npos,
      refused.out + refused.err);
}
