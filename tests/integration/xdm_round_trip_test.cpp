#define BOOST_TEST_MODULE xdm_round_trip
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.

// Issue 10, import side: a lot deposited in gateway A over ITI-41, exported
// by the operator (GET /api/v1/xdm/export), imported into gateway B (POST
// /api/v1/xdm/import) and into a third store with `passerelle xdm import`;
// the documents come back byte-identical over ITI-43 and the registered
// metadata is the same. Refused packages store nothing; a bad lot does not
// stop the good one (all or nothing per lot). The NIST testkit's XDM sample
// imports. Real TLS, real PostgreSQL, the real binary.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ebrim_fixtures.hpp"
#include "lot_signing.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/traces.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xdm.hpp"
#include "passerelle/signature/signer.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "run_binary.hpp"
#include "runtimes.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"
#include "vihf_builder.hpp"
#include "xds_client.hpp"
#include "xds_gateway.hpp"
#include "zip_builder.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::testing;
using Json = nlohmann::json;
namespace fs = std::filesystem;
namespace xdm = registry::xdm;

BOOST_TEST_GLOBAL_FIXTURE(XmlAndSignatureRuntimes);

const std::string kToken = "xdm-operator-token";
const std::string kPdf2 = read_fixture("xds/document02.pdf");

// ---- gateways ----

// An XDS gateway (its own database, the dmp profile without lot signatures
// unless told) with the operator API on.
struct OperatorGateway {
  explicit OperatorGateway(std::shared_ptr<const registry::Profile> profile = nullptr,
                           std::size_t max_body_bytes = 0,
                           std::function<void(gateway::XdsDependencies&)> customize_xds = {})
      : token_file(write_token(token_dir)),
        gateway(std::move(profile), options(token_file, max_body_bytes, std::move(customize_xds))) {
  }

  static fs::path write_token(const TempDir& dir) {
    const fs::path file = dir.path() / "token";
    std::ofstream(file) << kToken << "\n";
    return file;
  }
  static XdsGatewayOptions options(const fs::path& token, std::size_t max_body_bytes,
                                   std::function<void(gateway::XdsDependencies&)> customize_xds) {
    XdsGatewayOptions options;
    options.customize_xds = std::move(customize_xds);
    options.customize = [token, max_body_bytes](gateway::ServerConfig& config) {
      config.operator_token_file = token;
      if (max_body_bytes != 0) config.max_body_bytes = max_body_bytes;
    };
    return options;
  }

  HttpReply api(const std::string& method, const std::string& target,
                const std::string& content_type = "", const std::string& body = "",
                const std::string& token = kToken) const {
    auto connection = gateway.server->connect();
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return connection.request(method, target, content_type, body, headers);
  }
  std::string url() const {
    return "https://127.0.0.1:" + std::to_string(gateway.server->endpoint().port());
  }

  TempDir token_dir{"passerelle-xdm"};
  fs::path token_file;
  XdsTestGateway gateway;
};

// ---- the deposited lot: one CDA (the agreeing N1 fixture) and one PDF ----

struct Lot {
  std::string metadata;
  std::string set_unique_id;
  std::vector<Part> parts;
};

std::atomic<int> salt{0};

std::string set_unique_id(const std::string& metadata) {
  const auto request = parse_submission(metadata);
  for (const auto& object : request.objects) {
    for (const auto& identifier : object.external_identifiers) {
      if (identifier.identification_scheme == registry::vocab::kSetUniqueId) {
        return identifier.value;
      }
    }
  }
  throw std::runtime_error("no SubmissionSet uniqueId");
}

Lot cda_and_pdf_lot() {
  Lot lot;
  std::string metadata =
      with_fresh_unique_ids(two_document_metadata(), std::to_string(7000 + ++salt));
  // Document01 becomes the CDA; the repository computes every hash and size.
  metadata =
      replace_all(metadata, "<rim:ExtrinsicObject id=\"Document01\" mimeType=\"application/pdf\"",
                  "<rim:ExtrinsicObject id=\"Document01\" mimeType=\"text/xml\"");
  lot.metadata = without_slot(without_slot(metadata, "hash"), "size");
  const std::string cda =
      replace_all(read_fixture("cda/agreement/document01.xml"), "\"1.2.250.1.999.1.1.20240502.1\"",
                  "\"" + document_unique_id(lot.metadata, "Document01") + "\"");
  lot.parts = {{"Document01", "text/xml", cda}, {"Document02", "application/pdf", kPdf2}};
  lot.set_unique_id = set_unique_id(lot.metadata);
  return lot;
}

// The fixture's Document02 (a PDF) `count` times: Document02 … and copies
// with their own ids and uniqueIds, each a HasMember of the set.
Lot pdf_lot(int count) {
  auto request = parse_submission(
      with_fresh_unique_ids(two_document_metadata(), std::to_string(8000 + ++salt)));
  const auto entry = std::find_if(request.objects.begin(), request.objects.end(),
                                  [](const auto& o) { return o.id == "Document02"; });
  const auto member = std::find_if(request.objects.begin(), request.objects.end(),
                                   [](const auto& o) { return o.target_object == "Document02"; });
  BOOST_TEST_REQUIRE((entry != request.objects.end() && member != request.objects.end()));
  const auto entry_template = *entry;
  const auto member_template = *member;
  // Drop Document01 and its association: only PDFs.
  std::erase_if(request.objects, [](const auto& o) {
    return o.id == "Document01" || o.target_object == "Document01";
  });
  Lot lot;
  lot.parts.push_back({"Document02", "application/pdf", kPdf2});
  for (int n = 3; n <= count + 1; ++n) {
    const std::string id = "Document" + std::to_string(n);
    auto copy = entry_template;
    copy.id = id;
    for (auto& c : copy.classifications) {
      c.id += "-" + id;
      c.classified_object = id;
    }
    for (auto& e : copy.external_identifiers) {
      e.id += "-" + id;
      e.registry_object = id;
      if (e.identification_scheme == registry::vocab::kDocUniqueId)
        e.value += "." + std::to_string(n);
    }
    auto association = member_template;
    association.id += "-" + id;
    association.target_object = id;
    request.objects.push_back(std::move(copy));
    request.objects.push_back(std::move(association));
    lot.parts.push_back({id, "application/pdf", kPdf2});
  }
  lot.metadata = registry::serialize(request);
  lot.set_unique_id = set_unique_id(lot.metadata);
  return lot;
}

void deposit(const OperatorGateway& gateway, const Lot& lot) {
  const auto answer = read_registry_answer(
      gateway.gateway.post("/xds", provide_and_register_mtom(lot.metadata, lot.parts)));
  BOOST_TEST_REQUIRE(answer.success(), "deposit refused: " << answer.codes());
}

std::string export_lot(const OperatorGateway& gateway, const std::string& set_unique_id) {
  const auto reply = gateway.api("GET", "/api/v1/xdm/export?lot=" + set_unique_id);
  BOOST_TEST_REQUIRE(reply.status == 200u, reply.body);
  BOOST_TEST(reply.header("content-type") == "application/zip");
  BOOST_TEST(reply.header("content-disposition") ==
             "attachment; filename=\"xdm-lot-" + set_unique_id + ".zip\"");
  return reply.body;
}

Json import_zip(const OperatorGateway& gateway, const std::string& zip, unsigned status) {
  const auto reply = gateway.api("POST", "/api/v1/xdm/import", "application/zip", zip);
  BOOST_TEST(reply.status == status, reply.body);
  BOOST_TEST(reply.header("content-type") == "application/json");
  return Json::parse(reply.body);
}

std::map<std::string, std::string> retrieve(const OperatorGateway& gateway,
                                            const std::vector<std::string>& unique_ids) {
  std::vector<RetrieveKey> keys;
  for (const auto& id : unique_ids) keys.push_back({kTestRepository, id});
  const auto answer =
      read_retrieve_answer(gateway.gateway.post("/xds", retrieve_document_set(keys)));
  BOOST_TEST(answer.registry.success(), answer.registry.codes());
  std::map<std::string, std::string> bytes;
  for (const auto& part : answer.documents) bytes[part.document_unique_id] = part.bytes;
  return bytes;
}

// ---- metadata comparison ----

// The registered objects of the importing store must equal the exporting
// store's exactly: every slot, classification, identifier, name, status and
// association. What a registry may rewrite on an import, and why none of it
// shows here (so nothing is excluded from the comparison):
// - entryUUIDs: the lot was registered in A with symbolic ids (Document01…)
//   and A gave them urn:uuid ids; the export carries those, and B registers
//   urn:uuid ids as given, so they are the same.
// - hash and size: A's repository computed them (the lot sent none), the
//   export carries them, B checks them against the bytes and keeps them.
// - repositoryUniqueId: set by the repository that holds the content; every
//   test store is kTestRepository, so it does not change (between two real
//   gateways it would, rightly).
// - lastUpdateTime: the registry stamps Folders only, and an export carries
//   no Folder.
// - the XDM `URI` slot: added by the export, dropped by the import
//   (gateway/src/xdm_submission.hpp), so the stored entries have none, as in A.
void expect_same_objects(const registry::RegistryObject& a, const registry::RegistryObject& b) {
  BOOST_TEST((a == b), "differs:\n"
                           << registry::serialize(a) << "\n---\n"
                           << registry::serialize(b));
  BOOST_TEST(!a.slot("URI"));
}

void expect_same_lot(const xdm::Package& a, const xdm::Package& b) {
  BOOST_TEST_REQUIRE(a.lots.size() == 1u);
  BOOST_TEST_REQUIRE(b.lots.size() == 1u);
  expect_same_objects(a.lots[0].submission_set, b.lots[0].submission_set);
  BOOST_TEST_REQUIRE(a.lots[0].documents.size() == b.lots[0].documents.size());
  for (std::size_t i = 0; i < a.lots[0].documents.size(); ++i) {
    expect_same_objects(a.lots[0].documents[i].entry, b.lots[0].documents[i].entry);
    BOOST_TEST((a.lots[0].documents[i].bytes == b.lots[0].documents[i].bytes));
  }
  BOOST_TEST_REQUIRE(a.lots[0].associations.size() == b.lots[0].associations.size());
  for (std::size_t i = 0; i < a.lots[0].associations.size(); ++i) {
    expect_same_objects(a.lots[0].associations[i], b.lots[0].associations[i]);
  }
}

xdm::Package stored_lot(const OperatorGateway& gateway, const std::string& set_unique_id) {
  return xdm::collect_package(*gateway.gateway.pool,
                              {xdm::ExportRequest::Kind::Lot, set_unique_id, {}});
}

void expect_counts(const OperatorGateway& gateway, const store::XdsStore::Counts& before) {
  const auto now = gateway.gateway.counts();
  BOOST_TEST(now.objects == before.objects);
  BOOST_TEST(now.documents == before.documents);
  BOOST_TEST(now.contents == before.contents);
}

fs::path write_file(const TempDir& dir, const std::string& name, const std::string& bytes) {
  const fs::path path = dir.path() / name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

}  // namespace

BOOST_AUTO_TEST_CASE(round_trip_through_operator_export_import_and_cli) {
  OperatorGateway a, b, c;
  const Lot lot = cda_and_pdf_lot();
  deposit(a, lot);
  const std::string uid1 = document_unique_id(lot.metadata, "Document01");
  const std::string uid2 = document_unique_id(lot.metadata, "Document02");

  const std::string zip = export_lot(a, lot.set_unique_id);
  // The export is traced: one operator download per document.
  for (const auto& uid : {uid1, uid2}) {
    const auto traces = store::list_traces(*a.gateway.pool, kTestPatient, uid, 10);
    BOOST_TEST_REQUIRE(traces.traces.size() == 1u);
    BOOST_TEST((traces.traces[0].action == store::TraceAction::Download));
    BOOST_TEST(traces.traces[0].actor.id == store::operator_actor("").id);
    BOOST_TEST(traces.traces[0].detail == "xdm");
  }

  // Operator import into B.
  const Json result = import_zip(b, zip, 200);
  BOOST_TEST(result["status"] == "success");
  BOOST_TEST(result["stored"] == 1);
  BOOST_TEST_REQUIRE(result["lots"].size() == 1u);
  BOOST_TEST(result["lots"][0]["subset"] == "IHE_XDM/SUBSET01");
  BOOST_TEST(result["lots"][0]["submission_set"] == lot.set_unique_id);
  BOOST_TEST(result["lots"][0]["documents"] == 2);
  BOOST_TEST(result["lots"][0]["errors"].empty());

  const auto from_b = retrieve(b, {uid1, uid2});
  BOOST_TEST((from_b.at(uid1) == lot.parts[0].bytes));
  BOOST_TEST((from_b.at(uid2) == lot.parts[1].bytes));
  expect_same_lot(stored_lot(a, lot.set_unique_id), stored_lot(b, lot.set_unique_id));

  // `passerelle xdm import` into C over ITI-41.
  TempDir dir("passerelle-xdm-cli");
  const auto file = write_file(dir, "lot.zip", zip);
  const auto run_import = run({"xdm", "import", file.string(), "--repository", c.url() + "/xds",
                               "--ca", pki("ca.pem").string()});
  BOOST_TEST(run_import.exit_code == 0, run_import.out << run_import.err);
  BOOST_TEST(run_import.out == "IHE_XDM/SUBSET01 lot " + lot.set_unique_id + ": Success\n");
  const auto from_c = retrieve(c, {uid1, uid2});
  BOOST_TEST((from_c.at(uid1) == lot.parts[0].bytes));
  BOOST_TEST((from_c.at(uid2) == lot.parts[1].bytes));
  expect_same_lot(stored_lot(a, lot.set_unique_id), stored_lot(c, lot.set_unique_id));

  // A second import of the same lot is refused by the registry, and the CLI says so.
  const auto again = run({"xdm", "import", file.string(), "--repository", c.url() + "/xds", "--ca",
                          pki("ca.pem").string()});
  BOOST_TEST(again.exit_code == 1, again.out << again.err);
  BOOST_TEST(again.out.find(": Failure") != std::string::npos, again.out);
}

// The VIHF of `passerelle xdm import --vihf` reaches the repository: a
// gateway that requires one (as `dmp` does under serve) refuses the lot
// without it and stores it with it.
BOOST_AUTO_TEST_CASE(cli_import_sends_the_vihf) {
  OperatorGateway a;
  XdsGatewayOptions required;
  required.vihf = "required";
  XdsTestGateway d(nullptr, required);
  const Lot lot = cda_and_pdf_lot();
  deposit(a, lot);
  TempDir dir("passerelle-xdm-vihf");
  const auto zip = write_file(dir, "lot.zip", export_lot(a, lot.set_unique_id));
  // A signed assertion as an LPS sends it: its wsse:Security element, cut
  // out of an envelope the test PKI's VIHF signer signed it in.
  const std::string envelope = with_vihf(
      "<soapenv:Envelope xmlns:soapenv=\"http://www.w3.org/2003/05/soap-envelope\">"
      "<soapenv:Header/><soapenv:Body/></soapenv:Envelope>");
  const auto start = envelope.find("<wsse:Security");
  const auto end = envelope.find("</wsse:Security>");
  BOOST_TEST_REQUIRE((start != std::string::npos && end != std::string::npos), envelope);
  const auto vihf = write_file(dir, "vihf.xml", envelope.substr(start, end + 16 - start));
  const std::string url =
      "https://127.0.0.1:" + std::to_string(d.server->endpoint().port()) + "/xds";

  const auto without =
      run({"xdm", "import", zip.string(), "--repository", url, "--ca", pki("ca.pem").string()});
  BOOST_TEST(without.exit_code == 1, without.out << without.err);
  BOOST_TEST(without.out.find("no RegistryResponse (HTTP ") != std::string::npos, without.out);
  BOOST_TEST(d.counts().contents == 0u);

  const auto with = run({"xdm", "import", zip.string(), "--repository", url, "--ca",
                         pki("ca.pem").string(), "--vihf", vihf.string()});
  BOOST_TEST(with.exit_code == 0, with.out << with.err);
  BOOST_TEST(with.out == "IHE_XDM/SUBSET01 lot " + lot.set_unique_id + ": Success\n");
  BOOST_TEST(d.counts().contents == 2u);
}

BOOST_AUTO_TEST_CASE(cli_export_and_check) {
  OperatorGateway a;
  const Lot lot = cda_and_pdf_lot();
  deposit(a, lot);
  TempDir dir("passerelle-xdm-cli");
  const fs::path out = dir.path() / "exported.zip";
  const auto exported =
      run({"xdm", "export", "--lot", lot.set_unique_id, "--out", out.string(), "--url", a.url(),
           "--token-file", a.token_file.string(), "--ca-cert", pki("ca.pem").string()});
  BOOST_TEST_REQUIRE(exported.exit_code == 0, exported.out << exported.err);
  const auto checked = run({"xdm", "check", out.string()});
  BOOST_TEST(checked.exit_code == 0, checked.err);
  BOOST_TEST(checked.out.find("IHE_XDM/SUBSET01  lot " + lot.set_unique_id + "  2 document(s)") !=
                 std::string::npos,
             checked.out);
  BOOST_TEST(checked.out.find("DOC00001.XML  text/xml") != std::string::npos, checked.out);

  // One document alone, and an unknown one.
  const std::string uid2 = document_unique_id(lot.metadata, "Document02");
  const auto one = a.api("GET", "/api/v1/xdm/export?document=" + uid2);
  BOOST_TEST_REQUIRE(one.status == 200u, one.body);
  BOOST_TEST(one.header("content-disposition") ==
             "attachment; filename=\"xdm-document-" + uid2 + ".zip\"");
  const auto unknown =
      run({"xdm", "export", "--document", "1.2.3.999", "--out", out.string(), "--url", a.url(),
           "--token-file", a.token_file.string(), "--ca-cert", pki("ca.pem").string()});
  BOOST_TEST(unknown.exit_code == 1);
  BOOST_TEST(unknown.err.find("HTTP 404") != std::string::npos, unknown.err);
  BOOST_TEST(unknown.err.find("document_not_found") != std::string::npos, unknown.err);

  // A limit given to check refuses precisely (exit 2).
  const auto limited = run({"xdm", "check", out.string(), "--xdm-max-entries", "2"});
  BOOST_TEST(limited.exit_code == 2);
  BOOST_TEST(
      limited.err.find(std::string("refused: ") + xdm::codes::kTooManyEntries) != std::string::npos,
      limited.err);
}

BOOST_AUTO_TEST_CASE(export_requests_are_checked) {
  OperatorGateway a;
  BOOST_TEST(a.api("GET", "/api/v1/xdm/export?lot=1.2.3.4", "", "", "").status == 401u);
  BOOST_TEST(a.api("GET", "/api/v1/xdm/export?lot=1.2.3.4", "", "", "wrong").status == 401u);
  const auto none = a.api("GET", "/api/v1/xdm/export");
  BOOST_TEST(none.status == 400u);
  BOOST_TEST(Json::parse(none.body)["error"]["message"] ==
             "give one of the query parameters 'lot' and 'document'");
  const auto both = a.api("GET", "/api/v1/xdm/export?lot=1.2&document=1.3");
  BOOST_TEST(both.status == 400u);
  BOOST_TEST(Json::parse(both.body)["error"]["message"] ==
             "give exactly one of the query parameters 'lot' and 'document'");
  const auto unknown = a.api("GET", "/api/v1/xdm/export?lot=1.2.3.4");
  BOOST_TEST(unknown.status == 404u);
  BOOST_TEST(Json::parse(unknown.body)["error"]["code"] == "lot_not_found");
  const auto post = a.api("POST", "/api/v1/xdm/export?lot=1.2.3.4");
  BOOST_TEST(post.status == 405u);
  BOOST_TEST(post.header("allow") == "GET");
}

BOOST_AUTO_TEST_CASE(refused_packages_store_nothing) {
  OperatorGateway a, b;
  const Lot lot = cda_and_pdf_lot();
  deposit(a, lot);
  const auto entries = unzip_all(export_lot(a, lot.set_unique_id));
  const auto before = b.gateway.counts();

  auto expect_refused = [&](const std::string& zip, unsigned status, const std::string& code,
                            const std::string& location) {
    const Json answer = import_zip(b, zip, status);
    BOOST_TEST_REQUIRE(answer.contains("error"), answer.dump());
    BOOST_TEST(answer["error"]["code"] == code, answer.dump());
    BOOST_TEST(answer["error"]["location"] == location, answer.dump());
    BOOST_TEST(!answer["error"]["message"].get<std::string>().empty());
    expect_counts(b, before);
  };

  // Zip slip: an entry that climbs out of the package, beside a valid lot.
  auto slip = entries;
  slip["../../etc/passwd"] = "root:x:0:0\n";
  expect_refused(rezip(slip), 422, xdm::codes::kUnsafeName, "../../etc/passwd");

  // A document whose bytes are not those METADATA.XML hashes.
  auto tampered = entries;
  const std::string pdf_name = "IHE_XDM/SUBSET01/DOC00002.PDF";
  BOOST_TEST_REQUIRE(tampered.count(pdf_name) == 1u);
  tampered.at(pdf_name).at(100) ^= 0x01;
  expect_refused(rezip(tampered), 422, xdm::codes::kDocumentMismatch, pdf_name);

  // A document METADATA.XML names but the ZIP lacks.
  auto missing = entries;
  missing.erase(pdf_name);
  expect_refused(rezip(missing), 422, xdm::codes::kMissingDocument, pdf_name);

  // Not a ZIP at all.
  const Json not_zip = import_zip(b, "this is not a zip", 400);
  BOOST_TEST(not_zip["error"]["code"] == xdm::codes::kNotZip);
  expect_counts(b, before);

  // Wrong media type, wrong method, no token.
  const auto json_body = b.api("POST", "/api/v1/xdm/import", "application/json", "{}");
  BOOST_TEST(json_body.status == 415u);
  BOOST_TEST(Json::parse(json_body.body)["error"]["code"] == "unsupported_media_type");
  BOOST_TEST(b.api("GET", "/api/v1/xdm/import").status == 405u);
  const auto stranger = b.api("POST", "/api/v1/xdm/import", "application/zip", rezip(entries), "");
  BOOST_TEST(stranger.status == 401u);
  expect_counts(b, before);
}

// The import alone may exceed --max-body-bytes (up to what --xdm-max-bytes
// allows), and only for the operator: the token is checked with the header,
// before the body is read.
BOOST_AUTO_TEST_CASE(import_body_may_exceed_max_body_bytes_for_the_operator) {
  OperatorGateway a;
  OperatorGateway b(nullptr, 4096);
  const Lot lot = cda_and_pdf_lot();
  deposit(a, lot);
  const std::string zip = export_lot(a, lot.set_unique_id);
  BOOST_TEST_REQUIRE(zip.size() > 4096u);
  const auto before = b.gateway.counts();
  const auto stranger = b.api("POST", "/api/v1/xdm/import", "application/zip", zip, "");
  BOOST_TEST(stranger.status == 413u);
  const auto wrong = b.api("POST", "/api/v1/xdm/import", "application/zip", zip, "wrong");
  BOOST_TEST(wrong.status == 413u);
  const auto elsewhere = b.api("POST", "/api/v1/records", "application/json", zip);
  BOOST_TEST(elsewhere.status == 413u);
  expect_counts(b, before);
  const Json result = import_zip(b, zip, 200);
  BOOST_TEST(result["status"] == "success", result.dump());
}

// With --export-signing-key the operator's export carries the gateway's
// DSG signature of the lot (as the professionals' XDM download does), and a
// store that requires signed lots (the shipped dmp profile, lot signatures
// verified against the test CA) takes it: the import runs ITI-41's lot
// signature check. An unsigned lot is refused there (next case).
BOOST_AUTO_TEST_CASE(signed_export_passes_the_lot_signature_check) {
  OperatorGateway a(nullptr, 0, [](gateway::XdsDependencies& d) {
    d.export_signing_key =
        std::make_shared<const signature::SigningKey>(signature::SigningKey::from_pem_files(
            pki("structure.key").string(), pki("structure.pem").string()));
  });
  auto verifying = [](gateway::XdsDependencies& d) {
    d.signature_trust = signature::TrustStore::from_pem_file(pki("ca.pem").string());
  };
  auto dmp = std::make_shared<const registry::Profile>(registry::load_named_profile("dmp"));
  OperatorGateway b(dmp, 0, verifying);
  BOOST_TEST_REQUIRE(dmp->lot_signature_required);

  const Lot lot = cda_and_pdf_lot();
  deposit(a, lot);
  const std::string zip = export_lot(a, lot.set_unique_id);
  const auto entries = unzip_all(zip);
  BOOST_TEST(entries.count("IHE_XDM/SUBSET01/DOC00003.XML") == 1u);  // the signature
  // Only the record's two documents are traced, not the gateway's signature.
  BOOST_TEST(store::list_traces(*a.gateway.pool, kTestPatient, std::nullopt, 100).traces.size() ==
             2u);

  const Json result = import_zip(b, zip, 200);
  BOOST_TEST(result["status"] == "success", result.dump());
  BOOST_TEST(result["lots"][0]["documents"] == 3);
  BOOST_TEST(b.gateway.counts().contents == 3u);
}

// A lot its depositor signed, exported with the gateway's signature too:
// both signature documents travel, each verifies on its own over the lot's
// documents (gateway/src/xds/lot_signature_check.cpp), and a store that
// requires signed lots takes the package. A forged depositor signature
// (altered after signing) is refused even though the gateway's holds.
BOOST_AUTO_TEST_CASE(depositor_and_gateway_signatures_both_travel) {
  const auto key_of = [](const std::string& stem) {
    return signature::SigningKey::from_pem_files(pki(stem + ".key").string(),
                                                 pki(stem + ".pem").string());
  };
  OperatorGateway a(nullptr, 0, [&](gateway::XdsDependencies& d) {
    d.export_signing_key = std::make_shared<const signature::SigningKey>(key_of("structure"));
  });
  auto dmp = std::make_shared<const registry::Profile>(registry::load_named_profile("dmp"));
  const auto verifying = [](gateway::XdsDependencies& d) {
    d.signature_trust = signature::TrustStore::from_pem_file(pki("ca.pem").string());
  };
  OperatorGateway b(dmp, 0, verifying);
  OperatorGateway c(dmp, 0, verifying);

  Lot lot = cda_and_pdf_lot();
  lot.metadata = with_signature_entry(lot.metadata);
  lot.parts = with_signature_part(lot.metadata, lot.parts, key_of("professional"));
  deposit(a, lot);
  const std::string zip = export_lot(a, lot.set_unique_id);
  const auto entries = unzip_all(zip);
  BOOST_TEST(entries.count("IHE_XDM/SUBSET01/DOC00003.XML") == 1u);
  BOOST_TEST(entries.count("IHE_XDM/SUBSET01/DOC00004.XML") == 1u);

  const Json result = import_zip(b, zip, 200);
  BOOST_TEST(result["status"] == "success", result.dump());
  BOOST_TEST(result["lots"][0]["documents"] == 4, result.dump());
  BOOST_TEST(b.gateway.counts().contents == 4u);

  // The depositor's signature altered inside the package (and its hash and
  // size slots made to agree, so the archive checks pass): refused.
  auto package = registry::xdm::read_package(zip);
  BOOST_TEST_REQUIRE(package.size() == 1u);
  const std::string depositor_signature = document_unique_id(lot.metadata, "Signature01");
  bool altered = false;
  std::string forged_zip;
  {
    registry::xdm::Package forged;
    forged.created_at = "2026-11-26T08:00:00Z";
    registry::xdm::PackagedLot forged_lot;
    for (auto& object : package[0].request.objects) {
      if (object.kind == registry::ObjectKind::RegistryPackage) {  // the lot has no folder
        forged_lot.submission_set = object;
      } else if (object.kind == registry::ObjectKind::Association) {
        forged_lot.associations.push_back(object);
      }
    }
    for (auto& document : package[0].documents) {
      const auto entry =
          std::find_if(package[0].request.objects.begin(), package[0].request.objects.end(),
                       [&](const auto& object) { return object.id == document.entry_id; });
      BOOST_TEST_REQUIRE((entry != package[0].request.objects.end()));
      std::string bytes = document.bytes;
      const bool depositors = std::any_of(
          entry->external_identifiers.begin(), entry->external_identifiers.end(),
          [&](const auto& identifier) { return identifier.value == depositor_signature; });
      if (depositors) {
        const auto at = bytes.find("<xades:SigningTime>");
        BOOST_TEST_REQUIRE(at != std::string::npos);
        bytes.insert(at + 19, " ");  // trimmed when read, but no longer the signed bytes
        altered = true;
      }
      forged_lot.documents.push_back({*entry, bytes});
    }
    forged.lots.push_back(std::move(forged_lot));
    forged_zip = registry::xdm::write_package(forged);
  }
  BOOST_TEST_REQUIRE(altered);
  const auto before = c.gateway.counts();
  const Json refused = import_zip(c, forged_zip, 422);
  BOOST_TEST(refused.value("status", "") == "failure", refused.dump());
  BOOST_TEST(refused.dump().find("passerelle:SignatureInvalid") != std::string::npos,
             refused.dump());
  expect_counts(c, before);
}

BOOST_AUTO_TEST_CASE(unsigned_export_is_refused_where_lots_must_be_signed) {
  OperatorGateway unsigned_source;
  auto dmp = std::make_shared<const registry::Profile>(registry::load_named_profile("dmp"));
  OperatorGateway b(dmp, 0, [](gateway::XdsDependencies& d) {
    d.signature_trust = signature::TrustStore::from_pem_file(pki("ca.pem").string());
  });
  const Lot other = cda_and_pdf_lot();
  deposit(unsigned_source, other);
  const auto before = b.gateway.counts();
  const Json refused = import_zip(b, export_lot(unsigned_source, other.set_unique_id), 422);
  BOOST_TEST(refused["status"] == "failure");
  BOOST_TEST_REQUIRE(refused["lots"][0]["errors"].size() >= 1u, refused.dump());
  BOOST_TEST(refused["lots"][0]["errors"][0]["code"] == "passerelle:LotSignatureMissing",
             refused.dump());
  expect_counts(b, before);
}

// All or nothing per lot: the package is read whole first (a hostile one
// stores nothing, above), then each lot is its own ITI-41. A lot the
// registry refuses does not take the good lot down with it: the good lot is
// stored, the bad one answered with its RegistryErrors (status
// partial_success, HTTP 200; 422 only when no lot was stored).
BOOST_AUTO_TEST_CASE(a_bad_lot_does_not_stop_the_good_one) {
  OperatorGateway a, b;
  const Lot good = cda_and_pdf_lot();
  const Lot other = cda_and_pdf_lot();
  deposit(a, good);
  deposit(a, other);
  auto package = stored_lot(a, good.set_unique_id);
  auto second = stored_lot(a, other.set_unique_id);
  // The second lot's first entry loses its creationTime, which XDS.b requires.
  auto& entry = second.lots.at(0).documents.at(0).entry;
  const auto slots_before = entry.slots.size();
  std::erase_if(entry.slots, [](const auto& slot) { return slot.name == "creationTime"; });
  BOOST_TEST_REQUIRE(entry.slots.size() == slots_before - 1);
  package.lots.push_back(second.lots.at(0));
  const std::string zip = xdm::write_package(package);

  const Json result = import_zip(b, zip, 200);
  BOOST_TEST(result["status"] == "partial_success");
  BOOST_TEST(result["stored"] == 1);
  BOOST_TEST_REQUIRE(result["lots"].size() == 2u);
  BOOST_TEST(result["lots"][0]["status"] == "success");
  BOOST_TEST(result["lots"][1]["status"] == "failure");
  BOOST_TEST(result["lots"][1]["subset"] == "IHE_XDM/SUBSET02");
  BOOST_TEST_REQUIRE(!result["lots"][1]["errors"].empty());
  const auto& error = result["lots"][1]["errors"][0];
  BOOST_TEST(error["code"] == "XDSRegistryMetadataError", error.dump());
  BOOST_TEST(error["location"] == entry.id, error.dump());
  BOOST_TEST(error["message"].get<std::string>().find("creationTime") != std::string::npos,
             error.dump());
  // The good lot is there, byte for byte; nothing of the bad one is.
  expect_same_lot(stored_lot(a, good.set_unique_id), stored_lot(b, good.set_unique_id));
  BOOST_CHECK_THROW(stored_lot(b, other.set_unique_id), Failure);
  const auto counts = b.gateway.counts();
  BOOST_TEST(counts.contents == 2u);

  // The same package again: both lots refused now, nothing stored, 422.
  const auto before = b.gateway.counts();
  const Json again = import_zip(b, zip, 422);
  BOOST_TEST(again["status"] == "failure");
  BOOST_TEST(again["stored"] == 0);
  expect_counts(b, before);
}

BOOST_AUTO_TEST_CASE(nist_xdm_sample_imports) {
  const fs::path sample = fs::path(PASSERELLE_SHARED_DIR) / "corpus/nist-testkit/tests/11965";
  if (!fs::is_directory(sample)) {
    BOOST_TEST_MESSAGE("skipped: " << sample << " not present");
    return;
  }
  // The testkit ships the package as files; the test zips them. The corpus
  // copy lost the original CRLF line endings, so the CDA files are shorter
  // than the 54449 bytes / SHA-1 4cf4f82d… METADATA.XML still states: the
  // slots are rewritten with the files' real size and hash (the package
  // check refuses a mismatch, as it must).
  std::map<std::string, std::string> files;
  for (const auto& item : fs::recursive_directory_iterator(sample)) {
    if (!item.is_regular_file()) continue;
    std::ifstream in(item.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    files[fs::relative(item.path(), sample).generic_string()] = bytes.str();
  }
  // Every CDA of the sample is the same file (SUBSET001/CDA.XML, SUBSET002/CDA_1.XML, CDA_2.XML).
  const std::string& cda = files.at("IHE_XDM/SUBSET001/CDA.XML");
  for (auto& [name, bytes] : files) {
    if (!name.ends_with("METADATA.XML")) continue;
    bytes = replace_all(bytes, "<Value>54449</Value>",
                        "<Value>" + std::to_string(cda.size()) + "</Value>");
    bytes = replace_all(bytes, "<Value>4cf4f82d78b5e2aac35c31bca8cb79fe6bd6a41e</Value>",
                        "<Value>" + sha1_hex(cda) + "</Value>");
  }

  // As shipped, the package is sound (every archive and hash check passes)
  // but its 2006 metadata is not valid XDS.b today, and the registry says
  // so lot by lot, exactly as ITI-41 would: Connect-a-thon 2006 codes that
  // the ihe-test code lists (the current NIST codes.xml) do not hold, a
  // sourceId that is not an OID (129.…: first arc above 2) and, in
  // SUBSET002, a second document whose classifications all name
  // Document01. Nothing is stored.
  OperatorGateway strict(
      std::make_shared<const registry::Profile>(registry::load_named_profile("ihe-test")));
  const Json refused = import_zip(strict, rezip(files), 422);
  BOOST_TEST_REQUIRE(refused.contains("lots"), refused.dump());
  BOOST_TEST(refused["stored"] == 0);
  BOOST_TEST_REQUIRE(refused["lots"].size() == 2u);
  auto has_error = [](const Json& lot, const std::string& message) {
    for (const auto& error : lot["errors"]) {
      if (error["code"] == "XDSRegistryMetadataError" && error["message"] == message) return true;
    }
    return false;
  };
  for (const auto& lot : refused["lots"]) {
    BOOST_TEST(has_error(lot, "sourceId: first OID arc must be 0, 1 or 2, got '129.6.58.92.1.1'"),
               lot.dump());
    BOOST_TEST(has_error(lot,
                         "formatCode: code not in the profile's formatCode list for "
                         "codingScheme 'Connect-a-thon formatCodes', got 'CDAR2/IHE 1.0'"),
               lot.dump());
  }
  // The symbolic ids became urn:uuid ids on the way in: the message's id is not fixed.
  const std::string misplaced =
      "Classification : classifiedObject is not its object, got 'urn:uuid:";
  BOOST_TEST(refused["lots"][1].dump().find(misplaced) != std::string::npos);
  BOOST_TEST(refused["lots"][0].dump().find(misplaced) == std::string::npos);
  BOOST_TEST(strict.gateway.counts().contents == 0u);

  // With those three defects of the sample repaired (and only those: the
  // ihe-test profile without its code lists, an OID sourceId, Document02
  // classified as itself), both lots are stored.
  for (auto& [name, bytes] : files) {
    if (!name.ends_with("METADATA.XML")) continue;
    bytes = replace_all(bytes, "\"129.6.58.92.1.1\"", "\"1.3.6.1.4.1.21367.2005.3.999\"");
    if (name == "IHE_XDM/SUBSET002/METADATA.XML") {
      const auto second = bytes.find("id=\"Document02\"");
      const auto end = bytes.find("</ExtrinsicObject>", second);
      BOOST_TEST_REQUIRE((second != std::string::npos && end != std::string::npos));
      bytes.replace(
          second, end - second,
          replace_all(bytes.substr(second, end - second), "classifiedObject=\"Document01\"",
                      "classifiedObject=\"Document02\""));
    }
  }
  auto lenient = registry::load_named_profile("ihe-test");
  lenient.code_lists.clear();
  OperatorGateway gateway(std::make_shared<const registry::Profile>(std::move(lenient)));
  const Json result = import_zip(gateway, rezip(files), 200);
  BOOST_TEST_MESSAGE("NIST 11965 import: " << result.dump());
  BOOST_TEST_REQUIRE(result.contains("lots"), result.dump());
  BOOST_TEST(result["status"] == "success", result.dump());
  BOOST_TEST(result["stored"] == 2);
  BOOST_TEST(gateway.gateway.counts().contents == 3u);
  const auto stored =
      retrieve(gateway, {"1.3.6.1.4.1.21367.2005.3.998.1", "1.3.6.1.4.1.21367.2005.3.998.23",
                         "1.3.6.1.4.1.21367.2005.3.998.24"});
  BOOST_TEST(stored.size() == 3u);
  for (const auto& [id, bytes] : stored) BOOST_TEST((bytes == cda), id);
}

BOOST_AUTO_TEST_CASE(ten_document_lot_export_is_measured) {
  OperatorGateway a;
  const Lot lot = pdf_lot(10);
  BOOST_TEST_REQUIRE(lot.parts.size() == 10u);
  deposit(a, lot);
  std::size_t content = 0;
  for (const auto& part : lot.parts) content += part.bytes.size();
  // Five exports, each over its own HTTPS connection: collect, write the
  // ZIP, trace ten downloads, send. The first one warms the caches.
  std::string zip;
  std::vector<double> milliseconds;
  for (int run = 0; run < 5; ++run) {
    const auto started = std::chrono::steady_clock::now();
    zip = export_lot(a, lot.set_unique_id);
    milliseconds.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
  }
  std::ostringstream runs;
  for (double ms : milliseconds) runs << " " << ms;
  std::sort(milliseconds.begin(), milliseconds.end());
  BOOST_TEST_MESSAGE("XDM export of a 10-document lot over HTTPS: median "
                     << milliseconds[2] << " ms (runs:" << runs.str() << " ms), ZIP " << zip.size()
                     << " bytes for " << content << " bytes of documents");
  const auto entries = unzip_all(zip);
  std::size_t documents = 0;
  for (const auto& [name, bytes] : entries) {
    if (name.starts_with("IHE_XDM/SUBSET01/DOC")) ++documents;
  }
  BOOST_TEST(documents == 10u);
}
