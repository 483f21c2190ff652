#define BOOST_TEST_MODULE stored_query
#include <boost/test/unit_test.hpp>

// ITI-18 Registry Stored Query over real HTTPS against a real PostgreSQL,
// on metadata registered through ITI-41: every stored query, every
// parameter, the edge cases of NIST tests 11897–11909, 12368 and 15803, and
// every error code.

#include <algorithm>
#include <atomic>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "lot_signing.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/gateway/xds_service.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/stored_query.hpp"
#include "pg_cluster.hpp"
#include "test_server.hpp"
#include "xds_client.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::testing;
namespace sq = registry::sq;

struct World;
std::unique_ptr<World> the_world;

// The XML runtime outlives the world (its servers, validators): the
// destructor body runs before the member is destroyed.
struct XmlRuntimeFixture {
  xml::Runtime runtime;
  ~XmlRuntimeFixture();
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

constexpr const char* kApproved = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
constexpr const char* kDeprecated = "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated";
constexpr const char* kArchived = "urn:asip:ci-sis:2010:StatusType:Archived";
constexpr const char* kDeleted = "urn:asip:ci-sis:2010:StatusType:Deleted";
constexpr const char* kStable = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1";
constexpr const char* kOnDemand = "urn:uuid:34268e47-fdf5-41a6-ba33-82133c465248";
constexpr const char* kHasMember = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";
constexpr const char* kRplc = "urn:ihe:iti:2007:AssociationType:RPLC";
constexpr const char* kSubmissionSetNode = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
constexpr const char* kFolderNode = "urn:uuid:d9d542f3-6cc4-48b6-8870-ea235fbc94c2";

const std::string kOriginal =
    "<rim:Slot name=\"SubmissionSetStatus\"><rim:ValueList><rim:Value>Original</rim:Value>"
    "</rim:ValueList></rim:Slot>";
const std::string kPatient1 = kTestPatient;
const std::string kPatient2 = "2234567890123^^^&1.2.250.1.213.1.4.10&ISO^NH";
const std::string kPatient3 = "3234567890123^^^&1.2.250.1.213.1.4.10&ISO^NH";
const std::string kFixturePatientXml = "1234567890123^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH";

std::string fixture_file(const std::string& name) {
  std::ifstream in(std::string(PASSERELLE_SOURCE_DIR) + "/tests/fixtures/xds/" + name,
                   std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (bytes.str().empty()) throw std::runtime_error("missing fixture " + name);
  return bytes.str();
}

std::string sql_quoted(const std::string& value) { return "'" + value + "'"; }
std::string list(const std::vector<std::string>& values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + sql_quoted(values[i]);
  return out + ")";
}

// Replaces the first `from` after `anchor`.
std::string replace_after(std::string text, const std::string& anchor, const std::string& from,
                          const std::string& to) {
  const auto at = text.find(anchor);
  if (at == std::string::npos) throw std::runtime_error("anchor not found: " + anchor);
  const auto pos = text.find(from, at);
  if (pos == std::string::npos) throw std::runtime_error("not found after anchor: " + from);
  return text.replace(pos, from.size(), to);
}

std::string remove_regex(const std::string& text, const std::string& pattern) {
  const std::string out = std::regex_replace(text, std::regex(pattern), "");
  if (out == text) throw std::runtime_error("pattern not found: " + pattern);
  return out;
}

std::string code_classification(const std::string& id, const std::string& scheme_uuid,
                                const std::string& object, const std::string& code,
                                const std::string& coding_scheme) {
  return "<rim:Classification id=\"" + id + "\" classificationScheme=\"urn:uuid:" + scheme_uuid +
         "\" classifiedObject=\"" + object + "\" nodeRepresentation=\"" + code +
         "\"><rim:Slot name=\"codingScheme\"><rim:ValueList><rim:Value>" + coding_scheme +
         "</rim:Value></rim:ValueList></rim:Slot><rim:Name><rim:LocalizedString value=\"" + code +
         "\"/></rim:Name></rim:Classification>";
}

// The registered world every test queries (read only), built once:
//  patient 1, lot A: Document01 (creation 20240502091500, event codes E1
//    and E2, confidentiality N and INVISIBLE_PATIENT) and Document02
//    (creation 20240503101500, author MARTIN, referenceId REF-1);
//  patient 1, lot B: a Folder (codeList) holding Document01 of lot B, with
//    the SubmissionSet → Folder, Folder → Document and SubmissionSet →
//    association HasMembers, and Document02 outside the folder;
//  patient 1, lot C: a document replacing lot A's Document01 (RPLC), which
//    becomes Deprecated;
//  patient 2, lot D: two documents;
//  patient 3, lot E: two documents, then one Deleted and one Archived.
struct World {
  std::string uri;
  std::shared_ptr<store::ConnectionPool> pool;
  std::shared_ptr<const registry::Profile> profile;
  std::unique_ptr<TestServer> server;
  std::unique_ptr<TestServer> capped_server;  // --max-query-results 3
  int salt = 0;

  // uniqueIds and entryUUIDs of what was registered.
  struct Lot {
    std::string set_unique_id, doc1_unique_id, doc2_unique_id;
    std::string set_uuid, doc1_uuid, doc2_uuid;
  };
  Lot a, b, c, d, e;
  std::string folder_unique_id, folder_uuid;

  World() {
    uri = ThrowawayDatabase::shared().create_database("stored_query_1");
    pool = std::make_shared<store::ConnectionPool>(uri, 4);
    {
      auto connection = pool->acquire();
      store::migrate(*connection);
    }
    // The seeded lots are unsigned (lot signatures: lot_signature_test).
    profile = dmp_profile_without_lot_signatures();
    store::RecordStore records(*pool);
    records.create({kPatient1, "DUPONT", "Marie", "1970-01-01", "F", "", "", "", ""});
    records.create({kPatient2, "DURAND", "Paul", "1960-01-01", "M", "", "", "", ""});
    records.create({kPatient3, "MARTIN", "Anne", "1980-01-01", "F", "", "", "", ""});
    TestServerOptions options;
    options.db_uri = uri;
    options.router =
        gateway::make_xds_router(gateway::XdsDependencies{pool, profile, kTestRepository, {}});
    server = std::make_unique<TestServer>(std::move(options));
    TestServerOptions capped;
    capped.db_uri = uri;
    capped.router =
        gateway::make_xds_router(gateway::XdsDependencies{pool, profile, kTestRepository, {}, 3});
    capped_server = std::make_unique<TestServer>(std::move(capped));
    seed();
  }

  HttpReply post(const HttpRequestBody& request, const std::string& path = "/xds/registry",
                 TestServer* on = nullptr) {
    auto connection = (on ? on : server.get())->connect();
    return connection.request("POST", path, request.content_type, request.body);
  }

  QueryAnswer query(const char* id, const std::vector<QueryParameter>& parameters,
                    const std::string& return_type = "ObjectRef") {
    return read_query_answer(post(stored_query(id, parameters, return_type)));
  }

  std::string uuid_of(const std::string& unique_id) {
    auto answer = query(sq::kGetDocuments, {{"$XDSDocumentEntryUniqueId", {list({unique_id})}}});
    if (answer.objects.size() != 1) throw std::runtime_error("no document " + unique_id);
    return answer.objects.front().id;
  }

  void sql(const std::string& statement, const std::string& uuid) {
    auto connection = pool->acquire();
    pqxx::work tx(*connection);
    tx.exec_params(statement, uuid);
    tx.commit();
  }

  Lot register_lot(std::string metadata) {
    metadata = with_fresh_unique_ids(metadata, std::to_string(7000 + ++salt));
    std::vector<Part> parts;
    if (metadata.find("id=\"Document01\"") != std::string::npos) {
      parts.push_back({"Document01", "application/pdf", fixture_file("document01.pdf")});
    }
    if (metadata.find("id=\"Document02\"") != std::string::npos) {
      parts.push_back({"Document02", "application/pdf", fixture_file("document02.pdf")});
    }
    const auto answer =
        read_registry_answer(post(provide_and_register_mtom(metadata, parts), "/xds"));
    if (!answer.success()) {
      throw std::runtime_error("seeding failed: " + answer.codes() + " " +
                               (answer.errors.empty() ? "" : answer.errors.front().context));
    }
    Lot lot;
    const auto value_after = [&](const std::string& anchor) {
      const auto at = metadata.find(anchor);
      if (at == std::string::npos) return std::string();
      const auto v = metadata.find("value=\"", at) + 7;
      return metadata.substr(v, metadata.find('"', v) - v);
    };
    lot.doc1_unique_id = value_after("id=\"ei0102\"");
    lot.doc2_unique_id = value_after("id=\"ei0202\"");
    lot.set_unique_id = value_after("id=\"ei0801\"");
    if (!lot.doc1_unique_id.empty()) lot.doc1_uuid = uuid_of(lot.doc1_unique_id);
    if (!lot.doc2_unique_id.empty()) lot.doc2_uuid = uuid_of(lot.doc2_unique_id);
    auto leaf = query(sq::kGetSubmissionSets, {{"$uuid", {list({lot.doc1_uuid})}}}, "LeafClass");
    for (const auto& object : leaf.objects) {
      if (object.element == "RegistryPackage" && object.unique_id == lot.set_unique_id) {
        lot.set_uuid = object.id;
      }
    }
    return lot;
  }

  void seed() {
    const std::string fixture = two_document_metadata();
    // Lot A.
    std::string m = fixture;
    m = replace_after(
        m, "<rim:ExternalIdentifier id=\"ei0101\"", "<rim:ExternalIdentifier",
        code_classification("ev1", "2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4", "Document01", "E1",
                            "1.2.3.4.5") +
            code_classification("ev2", "2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4", "Document01", "E2",
                                "1.2.3.4.5") +
            code_classification("cf2", "f4f85eac-e6cb-4883-b524-f2705394840f", "Document01",
                                "INVISIBLE_PATIENT", "1.2.250.1.213.1.1.4.13") +
            "<rim:ExternalIdentifier");
    m = replace_after(m, "id=\"cl0201\"", "801234567890^DUPONT^Jean", "801234567891^MARTIN^Luc");
    m = replace_after(
        m, "<rim:ExtrinsicObject id=\"Document02\"", "<rim:Slot name=\"creationTime\">",
        "<rim:Slot name=\"urn:ihe:iti:xds:2013:referenceIdList\"><rim:ValueList><rim:Value>"
        "REF-1^^^&amp;1.2.3&amp;ISO^urn:ihe:iti:xds:2013:accession</rim:Value></rim:ValueList>"
        "</rim:Slot><rim:Slot name=\"creationTime\">");
    a = register_lot(m);

    // Lot B: a folder holding Document01.
    m = replace_after(
        fixture, "<rim:Association id=\"as01\"", "<rim:Association id=\"as01\"",
        "<rim:RegistryPackage id=\"Folder01\"><rim:Name><rim:LocalizedString value=\"Dossier\"/>"
        "</rim:Name>" +
            code_classification("clf1", "1ba97051-7806-41a8-a48b-8fce7af683c5", "Folder01", "F1",
                                "1.2.3.4.6") +
            "<rim:ExternalIdentifier id=\"eif1\" "
            "identificationScheme=\"urn:uuid:f64ffdf0-4b97-4e06-b79f-a52b38ec2f8a\" "
            "registryObject=\"Folder01\" value=\"" +
            kFixturePatientXml +
            "\"><rim:Name><rim:LocalizedString value=\"XDSFolder.patientId\"/></rim:Name>"
            "</rim:ExternalIdentifier><rim:ExternalIdentifier id=\"eif2\" "
            "identificationScheme=\"urn:uuid:75df8f67-9973-4fbe-a900-df66cefecc5a\" "
            "registryObject=\"Folder01\" value=\"1.2.250.1.999.1.3.20240503.1\"><rim:Name>"
            "<rim:LocalizedString value=\"XDSFolder.uniqueId\"/></rim:Name>"
            "</rim:ExternalIdentifier></rim:RegistryPackage>"
            "<rim:Classification id=\"clf0\" classifiedObject=\"Folder01\" "
            "classificationNode=\"" +
            kFolderNode +
            "\"/>"
            "<rim:Association id=\"asf1\" associationType=\"" +
            kHasMember + "\" sourceObject=\"SubmissionSet01\" targetObject=\"Folder01\">" +
            kOriginal +
            "</rim:Association>"
            "<rim:Association id=\"asf2\" associationType=\"" +
            kHasMember +
            "\" sourceObject=\"Folder01\" targetObject=\"Document01\"/>"
            "<rim:Association id=\"asf3\" associationType=\"" +
            kHasMember + "\" sourceObject=\"SubmissionSet01\" targetObject=\"asf2\">" + kOriginal +
            "</rim:Association>"
            "<rim:Association id=\"as01\"");
    b = register_lot(m);
    {
      auto salted = with_fresh_unique_ids(m, std::to_string(7000 + salt));
      const auto at = salted.find("id=\"eif2\"");
      const auto v = salted.find("value=\"", at) + 7;
      folder_unique_id = salted.substr(v, salted.find('"', v) - v);
      auto folders = query(sq::kGetFolders, {{"$XDSFolderUniqueId", {list({folder_unique_id})}}});
      if (folders.objects.size() != 1) throw std::runtime_error("folder not registered");
      folder_uuid = folders.objects.front().id;
    }

    // Lot C: replaces lot A's Document01.
    m = remove_regex(fixture,
                     "<rim:ExtrinsicObject id=\"Document02\"[\\s\\S]*?</rim:ExtrinsicObject>");
    m = remove_regex(m, "<rim:Association id=\"as02\"[\\s\\S]*?</rim:Association>");
    m = replace_after(m, "<rim:Association id=\"as01\"", "<rim:Association id=\"as01\"",
                      "<rim:Association id=\"rplc\" associationType=\"" + std::string(kRplc) +
                          "\" sourceObject=\"Document01\" targetObject=\"" + a.doc1_uuid +
                          "\"/><rim:Association id=\"as01\"");
    c = register_lot(m);

    // Lots D and E: other patients.
    d = register_lot(
        replace_all(fixture, kFixturePatientXml, replace_all(kPatient2, "&", "&amp;")));
    e = register_lot(
        replace_all(fixture, kFixturePatientXml, replace_all(kPatient3, "&", "&amp;")));
    for (const char* table : {"registry_objects", "document_entries"}) {
      sql(std::string("UPDATE ") + table + " SET status = '" + kDeleted + "' WHERE entry_uuid = $1",
          e.doc1_uuid);
      sql(std::string("UPDATE ") + table + " SET status = '" + kArchived +
              "' WHERE entry_uuid = $1",
          e.doc2_uuid);
    }
  }
};

// Built on first use, torn down by the global fixture: before the XML
// runtime and the database cluster (a static).
XmlRuntimeFixture::~XmlRuntimeFixture() { the_world.reset(); }

World& world() {
  if (!the_world) the_world = std::make_unique<World>();
  return *the_world;
}

std::set<std::string> ids(const QueryAnswer& answer) {
  const auto v = answer.ids();
  return {v.begin(), v.end()};
}

QueryParameter p(const std::string& name, const std::string& value) { return {name, {value}}; }

std::vector<QueryParameter> find_documents_base(const std::string& patient = kPatient1,
                                                const std::vector<std::string>& status = {
                                                    kApproved}) {
  return {p("$XDSDocumentEntryPatientId", sql_quoted(patient)),
          p("$XDSDocumentEntryStatus", list(status))};
}

std::vector<QueryParameter> with(std::vector<QueryParameter> base,
                                 const std::vector<QueryParameter>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

void expect_error(const QueryAnswer& answer, const std::string& code) {
  BOOST_TEST(answer.registry.status ==
             "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure");
  BOOST_TEST(answer.registry.codes() == code);
  BOOST_TEST(answer.objects.empty());
}

void expect_ids(const QueryAnswer& answer, const std::set<std::string>& expected) {
  BOOST_TEST_REQUIRE(answer.registry.success(),
                     answer.registry.codes()
                         << " "
                         << (answer.registry.errors.empty() ? ""
                                                            : answer.registry.errors[0].context));
  BOOST_TEST(ids(answer) == expected);
  BOOST_TEST(answer.objects.size() == expected.size());  // each once
}

}  // namespace

// ---- FindDocuments --------------------------------------------------------

BOOST_AUTO_TEST_CASE(find_documents_by_patient_and_status) {
  auto& w = world();
  // Approved documents of patient 1: lot A's Document02, lot B's two, lot C's one.
  expect_ids(w.query(sq::kFindDocuments, find_documents_base()),
             {w.a.doc2_uuid, w.b.doc1_uuid, w.b.doc2_uuid, w.c.doc1_uuid});
  expect_ids(w.query(sq::kFindDocuments, find_documents_base(kPatient1, {kDeprecated})),
             {w.a.doc1_uuid});  // 11897/deprecated
  expect_ids(w.query(sq::kFindDocuments, find_documents_base(kPatient2)),
             {w.d.doc1_uuid, w.d.doc2_uuid});
  expect_ids(w.query(sq::kFindDocuments, find_documents_base("9999^^^&1.2.3&ISO")), {});
}

BOOST_AUTO_TEST_CASE(find_documents_on_the_combined_endpoint) {
  auto& w = world();
  auto answer = read_query_answer(
      w.post(stored_query(sq::kFindDocuments, find_documents_base(kPatient2)), "/xds"));
  expect_ids(answer, {w.d.doc1_uuid, w.d.doc2_uuid});
}

BOOST_AUTO_TEST_CASE(find_documents_never_returns_deleted_and_archived_only_when_asked) {
  auto& w = world();
  expect_ids(w.query(sq::kFindDocuments, find_documents_base(kPatient3)), {});
  expect_ids(w.query(sq::kFindDocuments, find_documents_base(kPatient3, {kApproved, kDeleted})),
             {});
  expect_ids(w.query(sq::kFindDocuments, find_documents_base(kPatient3, {kArchived})),
             {w.e.doc2_uuid});
  auto leaf = w.query(sq::kFindDocuments, find_documents_base(kPatient3, {kArchived}), "LeafClass");
  BOOST_TEST_REQUIRE(leaf.objects.size() == 1u);
  BOOST_TEST(leaf.objects[0].status == kArchived);  // the status column, not the stored XML
  // Get queries hide both.
  expect_ids(w.query(sq::kGetDocuments,
                     {p("$XDSDocumentEntryEntryUUID", list({w.e.doc1_uuid, w.e.doc2_uuid}))}),
             {});
}

BOOST_AUTO_TEST_CASE(find_documents_leaf_class_returns_full_objects_with_status) {
  auto& w = world();
  auto answer = w.query(sq::kFindDocuments,
                        find_documents_base(kPatient1, {kApproved, kDeprecated}), "LeafClass");
  BOOST_TEST_REQUIRE(answer.registry.success());
  BOOST_TEST(answer.count("ExtrinsicObject") == 5u);
  for (const auto& object : answer.objects) {
    BOOST_TEST(object.patient_id == kPatient1);
    BOOST_TEST(!object.unique_id.empty());
    BOOST_TEST(object.status == (object.id == w.a.doc1_uuid ? kDeprecated : kApproved));
  }
  // Deterministic order: registration order (lot), then entryUUID.
  auto again = w.query(sq::kFindDocuments, find_documents_base(kPatient1, {kApproved, kDeprecated}),
                       "LeafClass");
  BOOST_TEST(again.ids() == answer.ids());
  BOOST_TEST(answer.ids().front() == std::min(w.a.doc1_uuid, w.a.doc2_uuid));
  BOOST_TEST(answer.ids().back() == w.c.doc1_uuid);
}

BOOST_AUTO_TEST_CASE(find_documents_class_type_practice_facility_format_codes) {
  auto& w = world();
  const std::set<std::string> all{w.a.doc2_uuid, w.b.doc1_uuid, w.b.doc2_uuid, w.c.doc1_uuid};
  struct Case {
    const char* name;
    std::string good;
  };
  for (const auto& [name, good] :
       {Case{"$XDSDocumentEntryClassCode", "10^^1.2.250.1.213.1.1.4.1"},
        Case{"$XDSDocumentEntryTypeCode", "11488-4^^2.16.840.1.113883.6.1"},
        Case{"$XDSDocumentEntryPracticeSettingCode", "ETABLISSEMENT^^1.2.250.1.213.1.1.4.9"},
        Case{"$XDSDocumentEntryHealthcareFacilityTypeCode", "SA01^^1.2.250.1.71.4.2.4"},
        Case{"$XDSDocumentEntryFormatCode",
             "urn:ihe:iti:xds-sd:pdf:2008^^1.3.6.1.4.1.19376.1.2.3"}}) {
    BOOST_TEST_CONTEXT(name) {
      expect_ids(w.query(sq::kFindDocuments, with(find_documents_base(), {p(name, list({good}))})),
                 all);
      // Same code, other scheme: no match (11897/classcode_scheme_2 inverse).
      expect_ids(
          w.query(sq::kFindDocuments, with(find_documents_base(), {p(name, list({"10^^9.9.9"}))})),
          {});
      // OR within a list and across Value elements (11897/classcode_two).
      expect_ids(w.query(sq::kFindDocuments, with(find_documents_base(),
                                                  {{name, {list({"nope^^1.2.3"}), list({good})}}})),
                 all);
      // Old format without ^^scheme: error (11897/old_scheme), and a
      // code without scheme in a list (11897/classcode_scheme_mismatch).
      expect_error(
          w.query(sq::kFindDocuments, with(find_documents_base(), {p(name, list({"Dialysis"}))})),
          "XDSRegistryError");
      expect_error(
          w.query(sq::kFindDocuments, with(find_documents_base(), {p(name, list({good, "a^^"}))})),
          "XDSRegistryError");
    }
  }
}

BOOST_AUTO_TEST_CASE(find_documents_event_codes_and_or) {
  auto& w = world();
  const std::string e1 = "E1^^1.2.3.4.5", e2 = "E2^^1.2.3.4.5", e3 = "E3^^1.2.3.4.5";
  const auto base = find_documents_base(kPatient1, {kApproved, kDeprecated});
  // OR within a slot.
  expect_ids(w.query(sq::kFindDocuments,
                     with(base, {p("$XDSDocumentEntryEventCodeList", list({e1, e3}))})),
             {w.a.doc1_uuid});
  // AND across slots (11897/and, eventcode_multi_select).
  expect_ids(
      w.query(sq::kFindDocuments, with(base, {p("$XDSDocumentEntryEventCodeList", list({e1})),
                                              p("$XDSDocumentEntryEventCodeList", list({e2}))})),
      {w.a.doc1_uuid});
  expect_ids(
      w.query(sq::kFindDocuments, with(base, {p("$XDSDocumentEntryEventCodeList", list({e1})),
                                              p("$XDSDocumentEntryEventCodeList", list({e3}))})),
      {});
}

BOOST_AUTO_TEST_CASE(find_documents_confidentiality_codes_and_or) {
  auto& w = world();
  const std::string n = "N^^2.16.840.1.113883.5.25";
  const std::string invisible = "INVISIBLE_PATIENT^^1.2.250.1.213.1.1.4.13";
  const auto base = find_documents_base(kPatient1, {kApproved, kDeprecated});
  expect_ids(w.query(sq::kFindDocuments,
                     with(base, {p("$XDSDocumentEntryConfidentialityCode", list({invisible}))})),
             {w.a.doc1_uuid});  // 11897/confcode
  expect_ids(w.query(sq::kFindDocuments,
                     with(base, {p("$XDSDocumentEntryConfidentialityCode", list({n})),
                                 p("$XDSDocumentEntryConfidentialityCode", list({invisible}))})),
             {w.a.doc1_uuid});
  auto both =
      w.query(sq::kFindDocuments,
              with(base, {p("$XDSDocumentEntryConfidentialityCode", list({n, invisible}))}));
  BOOST_TEST(both.objects.size() == 5u);
}

BOOST_AUTO_TEST_CASE(find_documents_creation_time_edges) {
  auto& w = world();
  const auto base = find_documents_base(kPatient2);
  const auto range = [&](const std::string& from, const std::string& to) {
    std::vector<QueryParameter> extra;
    if (!from.empty()) extra.push_back(p("$XDSDocumentEntryCreationTimeFrom", from));
    if (!to.empty()) extra.push_back(p("$XDSDocumentEntryCreationTimeTo", to));
    return w.query(sq::kFindDocuments, with(base, extra));
  };
  // Document01 20240502091500, Document02 20240503101500.
  expect_ids(range("20240502091500", "20240503101500"),
             {w.d.doc1_uuid});                                 // From inclusive, To exclusive
  expect_ids(range("20240502", "20240503"), {w.d.doc1_uuid});  // padded to 14 digits
  expect_ids(range("20240502091501", ""), {w.d.doc2_uuid});
  expect_ids(range("", "20240502091500"), {});  // 11897/creationtime_right_edge
  expect_ids(range("2024", "2025"),
             {w.d.doc1_uuid, w.d.doc2_uuid});            // 11897/creationtime_between_long
  expect_ids(range("'20240503'", ""), {w.d.doc2_uuid});  // quoted is accepted
  expect_error(range("2024-05-02", ""), "XDSRegistryError");
}

BOOST_AUTO_TEST_CASE(find_documents_service_start_and_stop_times) {
  auto& w = world();
  const auto base = find_documents_base(kPatient2);
  // Document01 service 20240502080000–084500, Document02 20240503090000–094500.
  expect_ids(w.query(sq::kFindDocuments,
                     with(base, {p("$XDSDocumentEntryServiceStartTimeFrom", "20240503"),
                                 p("$XDSDocumentEntryServiceStartTimeTo", "20240504")})),
             {w.d.doc2_uuid});
  expect_ids(w.query(sq::kFindDocuments,
                     with(base, {p("$XDSDocumentEntryServiceStopTimeFrom", "20240502"),
                                 p("$XDSDocumentEntryServiceStopTimeTo", "202405020845")})),
             {});
  expect_ids(w.query(sq::kFindDocuments,
                     with(base, {p("$XDSDocumentEntryServiceStopTimeFrom", "20240502"),
                                 p("$XDSDocumentEntryServiceStopTimeTo", "202405020846")})),
             {w.d.doc1_uuid});
}

BOOST_AUTO_TEST_CASE(find_documents_author_person_like_patterns) {
  auto& w = world();
  const auto base = find_documents_base();
  const auto author = [&](const std::vector<std::string>& values) {
    return w.query(sq::kFindDocuments,
                   with(base, {QueryParameter{"$XDSDocumentEntryAuthorPerson", values}}));
  };
  expect_ids(author({list({"%MARTIN%"})}), {w.a.doc2_uuid});  // 11897/author
  expect_ids(author({list({"801234567891^MARTIN^Luc%"})}), {w.a.doc2_uuid});
  expect_ids(author({list({"80123456789_^MARTIN%"})}), {w.a.doc2_uuid});  // _ is one character
  expect_ids(author({list({"80123456789^MARTIN%"})}), {});
  expect_ids(author({list({"%MARTIN%", "%DUPONT%"})}),
             {w.a.doc2_uuid, w.b.doc1_uuid, w.b.doc2_uuid, w.c.doc1_uuid});
  expect_ids(author({list({"%NOBODY%"})}), {});
  // Escaped quote inside a quoted value: matches nobody, but parses.
  expect_ids(author({"('%O''BRIEN%')"}), {});
  expect_error(author({"('%O'BRIEN%')"}), "XDSRegistryError");
}

BOOST_AUTO_TEST_CASE(find_documents_type_stable_and_on_demand) {
  auto& w = world();
  const auto base = find_documents_base(kPatient2);
  expect_ids(w.query(sq::kFindDocuments, with(base, {p("$XDSDocumentEntryType", list({kStable}))})),
             {w.d.doc1_uuid, w.d.doc2_uuid});
  expect_ids(
      w.query(sq::kFindDocuments, with(base, {p("$XDSDocumentEntryType", list({kOnDemand}))})), {});
  expect_ids(w.query(sq::kFindDocuments,
                     with(base, {{"$XDSDocumentEntryType", {list({kOnDemand}), list({kStable})}}})),
             {w.d.doc1_uuid, w.d.doc2_uuid});
}

BOOST_AUTO_TEST_CASE(find_documents_home_community_id_is_ignored) {
  auto& w = world();
  auto request = stored_query(sq::kFindDocuments, find_documents_base(kPatient2));
  request.body = replace_all(request.body,
                             "<rim:AdhocQuery id=", "<rim:AdhocQuery home=\"urn:oid:1.2.3\" id=");
  expect_ids(read_query_answer(w.post(request)), {w.d.doc1_uuid, w.d.doc2_uuid});
}

BOOST_AUTO_TEST_CASE(find_documents_parameter_errors) {
  auto& w = world();
  // Missing required patient id / status.
  expect_error(w.query(sq::kFindDocuments, {p("$XDSDocumentEntryStatus", list({kApproved}))}),
               "XDSStoredQueryParamNumber");
  expect_error(
      w.query(sq::kFindDocuments, {p("$XDSDocumentEntryPatientId", sql_quoted(kPatient1))}),
      "XDSStoredQueryParamNumber");
  // Single-valued parameter given twice, or with two values.
  expect_error(
      w.query(sq::kFindDocuments, with(find_documents_base(),
                                       {p("$XDSDocumentEntryPatientId", sql_quoted(kPatient2))})),
      "XDSStoredQueryParamNumber");
  expect_error(w.query(sq::kFindDocuments,
                       with(find_documents_base(),
                            {p("$XDSDocumentEntryCreationTimeFrom", "('2024','2025')")})),
               "XDSStoredQueryParamNumber");
  // Unknown query id.
  expect_error(w.query("urn:uuid:00000000-0000-0000-0000-000000000000", find_documents_base()),
               "XDSUnknownStoredQuery");
}

BOOST_AUTO_TEST_CASE(find_documents_too_many_results_in_leaf_class_only) {
  auto& w = world();
  const auto request = stored_query(
      sq::kFindDocuments, find_documents_base(kPatient1, {kApproved, kDeprecated}), "LeafClass");
  expect_error(read_query_answer(w.post(request, "/xds/registry", w.capped_server.get())),
               "XDSTooManyResults");
  const auto refs =
      stored_query(sq::kFindDocuments, find_documents_base(kPatient1, {kApproved, kDeprecated}));
  BOOST_TEST(
      read_query_answer(w.post(refs, "/xds/registry", w.capped_server.get())).objects.size() == 5u);
  // Three fit.
  const auto small = stored_query(sq::kFindDocuments, find_documents_base(kPatient2), "LeafClass");
  BOOST_TEST(
      read_query_answer(w.post(small, "/xds/registry", w.capped_server.get())).objects.size() ==
      2u);
}

// ---- FindDocumentsByReferenceId --------------------------------------------

BOOST_AUTO_TEST_CASE(find_documents_by_reference_id) {
  auto& w = world();
  const std::string ref = "REF-1^^^&1.2.3&ISO^urn:ihe:iti:xds:2013:accession";
  expect_ids(w.query(sq::kFindDocumentsByReferenceId,
                     with(find_documents_base(),
                          {p("$XDSDocumentEntryReferenceIdList", list({ref, "OTHER"}))})),
             {w.a.doc2_uuid});  // 11897/refid
  expect_ids(w.query(sq::kFindDocumentsByReferenceId,
                     with(find_documents_base(),
                          {p("$XDSDocumentEntryReferenceIdList", list({"OTHER"}))})),
             {});
  // The FindDocuments filters apply too.
  expect_ids(
      w.query(sq::kFindDocumentsByReferenceId,
              with(find_documents_base(), {p("$XDSDocumentEntryReferenceIdList", list({ref})),
                                           p("$XDSDocumentEntryCreationTimeTo", "2024")})),
      {});
  expect_error(w.query(sq::kFindDocumentsByReferenceId, find_documents_base()),
               "XDSStoredQueryParamNumber");
}

// ---- FindSubmissionSets ------------------------------------------------------

BOOST_AUTO_TEST_CASE(find_submission_sets_every_parameter) {
  auto& w = world();
  const std::vector<QueryParameter> base{p("$XDSSubmissionSetPatientId", sql_quoted(kPatient1)),
                                         p("$XDSSubmissionSetStatus", list({kApproved}))};
  const std::set<std::string> all{w.a.set_uuid, w.b.set_uuid, w.c.set_uuid};
  expect_ids(w.query(sq::kFindSubmissionSets, base), all);  // 11898/simple
  auto leaf = w.query(sq::kFindSubmissionSets, base, "LeafClass");
  BOOST_TEST_REQUIRE(leaf.objects.size() == 3u);
  for (const auto& object : leaf.objects) {
    BOOST_TEST(object.element == "RegistryPackage");
    // The SubmissionSet classification, sent top level, comes back inside.
    BOOST_TEST((std::find(object.classification_nodes.begin(), object.classification_nodes.end(),
                          kSubmissionSetNode) != object.classification_nodes.end()));
  }
  expect_ids(w.query(sq::kFindSubmissionSets,
                     with(base, {p("$XDSSubmissionSetSourceId", list({"1.2.250.1.999.1"}))})),
             all);
  expect_ids(w.query(sq::kFindSubmissionSets,
                     with(base, {p("$XDSSubmissionSetSourceId", list({"1.2.3"}))})),
             {});  // 11898/other_sourceid
  expect_ids(w.query(sq::kFindSubmissionSets,
                     with(base, {p("$XDSSubmissionSetSubmissionTimeFrom", "20240503"),
                                 p("$XDSSubmissionSetSubmissionTimeTo", "20240504")})),
             all);  // 11898/submissiontime_in
  expect_ids(w.query(sq::kFindSubmissionSets,
                     with(base, {p("$XDSSubmissionSetSubmissionTimeTo", "20240503120000")})),
             {});  // 11898/submissiontime_out: To is exclusive
  expect_ids(w.query(sq::kFindSubmissionSets,
                     with(base, {p("$XDSSubmissionSetSubmissionTimeFrom", "20240503120000")})),
             all);  // 11898/submissiontime_no_end
  expect_ids(w.query(sq::kFindSubmissionSets,
                     with(base, {p("$XDSSubmissionSetAuthorPerson", sql_quoted("%DUPONT%"))})),
             all);  // 11898/author_all
  expect_ids(w.query(sq::kFindSubmissionSets,
                     with(base, {p("$XDSSubmissionSetAuthorPerson", sql_quoted("%NOBODY%"))})),
             {});  // 11898/author_none
  expect_ids(
      w.query(sq::kFindSubmissionSets,
              with(base, {p("$XDSSubmissionSetContentType", list({"07^^1.2.250.1.213.2.2"}))})),
      all);  // 11898/contenttype_all
  expect_ids(w.query(sq::kFindSubmissionSets,
                     with(base, {p("$XDSSubmissionSetContentType", list({"07^^9.9"}))})),
             {});  // 11898/contenttype_none
  expect_error(w.query(sq::kFindSubmissionSets, {base[0]}), "XDSStoredQueryParamNumber");
}

// ---- FindFolders ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(find_folders_every_parameter) {
  auto& w = world();
  const std::vector<QueryParameter> base{p("$XDSFolderPatientId", sql_quoted(kPatient1)),
                                         p("$XDSFolderStatus", list({kApproved}))};
  expect_ids(w.query(sq::kFindFolders, base), {w.folder_uuid});  // 11899/basic
  auto leaf = w.query(sq::kFindFolders, base, "LeafClass");
  BOOST_TEST_REQUIRE(leaf.objects.size() == 1u);
  BOOST_TEST(leaf.objects[0].unique_id == w.folder_unique_id);
  BOOST_TEST((std::find(leaf.objects[0].classification_nodes.begin(),
                        leaf.objects[0].classification_nodes.end(),
                        kFolderNode) != leaf.objects[0].classification_nodes.end()));
  expect_ids(
      w.query(sq::kFindFolders, with(base, {p("$XDSFolderCodeList", list({"F1^^1.2.3.4.6"}))})),
      {w.folder_uuid});  // 11899/codelist
  expect_ids(
      w.query(sq::kFindFolders, with(base, {p("$XDSFolderCodeList", list({"F1^^1.2.3.4.6"})),
                                            p("$XDSFolderCodeList", list({"F2^^1.2.3.4.6"}))})),
      {});  // AND across slots
  // lastUpdateTime is set by the registry at registration: now-ish.
  expect_ids(w.query(sq::kFindFolders, with(base, {p("$XDSFolderLastUpdateTimeFrom", "2000"),
                                                   p("$XDSFolderLastUpdateTimeTo", "2999")})),
             {w.folder_uuid});  // 11899/in_updatetime
  expect_ids(w.query(sq::kFindFolders, with(base, {p("$XDSFolderLastUpdateTimeTo", "2000")})),
             {});  // 11899/out_updatetime
  expect_ids(w.query(sq::kFindFolders, {p("$XDSFolderPatientId", sql_quoted(kPatient1)),
                                        p("$XDSFolderStatus", list({kDeprecated}))}),
             {});
  expect_error(w.query(sq::kFindFolders, {base[1]}), "XDSStoredQueryParamNumber");
}

// ---- GetAll --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(get_all_for_a_patient) {
  auto& w = world();
  const auto base = std::vector<QueryParameter>{
      p("$patientId", sql_quoted(kPatient1)),
      p("$XDSDocumentEntryStatus", list({kApproved, kDeprecated})),
      p("$XDSSubmissionSetStatus", list({kApproved})),
      p("$XDSFolderStatus", list({kApproved})),
      {"$XDSDocumentEntryType", {list({kStable}), list({kOnDemand})}}};  // 15803/all
  auto answer = w.query(sq::kGetAll, base, "LeafClass");
  BOOST_TEST_REQUIRE(answer.registry.success(), answer.registry.codes());
  BOOST_TEST(answer.count("ExtrinsicObject") == 5u);
  BOOST_TEST(answer.count("RegistryPackage") == 4u);  // three sets, one folder
  // Lot A 2 + lot B 2 + 3 folder associations + lot C 1 + RPLC = 9.
  BOOST_TEST(answer.count("Association") == 9u);
  // Order: DocumentEntries, SubmissionSets, Folders, Associations.
  BOOST_TEST(answer.objects.front().element == "ExtrinsicObject");
  BOOST_TEST(answer.objects.back().element == "Association");
  // Approved documents only: the RPLC association's target is gone.
  auto approved = w.query(
      sq::kGetAll, {base[0], p("$XDSDocumentEntryStatus", list({kApproved})), base[2], base[3]});
  // Associations: A 1 (as01 targets the Deprecated one), B 5, C 1 (RPLC excluded).
  BOOST_TEST(approved.count("ObjectRef") == 4u + 4u + 7u);
  // Confidentiality and format filters.
  auto confidential = w.query(sq::kGetAll,
                              with(base, {p("$XDSDocumentEntryConfidentialityCode",
                                            list({"INVISIBLE_PATIENT^^1.2.250.1.213.1.1.4.13"}))}),
                              "LeafClass");
  BOOST_TEST(confidential.count("ExtrinsicObject") == 1u);
  auto format = w.query(
      sq::kGetAll, with(base, {p("$XDSDocumentEntryFormatCode", list({"x^^1.2"}))}), "LeafClass");
  BOOST_TEST(format.count("ExtrinsicObject") == 0u);
  BOOST_TEST(format.count("RegistryPackage") == 4u);
  expect_error(w.query(sq::kGetAll, {base[0], base[1], base[2]}), "XDSStoredQueryParamNumber");
}

// ---- GetDocuments ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(get_documents_by_uuid_unique_id_and_errors) {
  auto& w = world();
  // 11901/uuid, uuid2, uuid_multiple_slot_values, uniqueid, uniqueid2.
  expect_ids(w.query(sq::kGetDocuments, {p("$XDSDocumentEntryEntryUUID", list({w.a.doc1_uuid}))},
                     "LeafClass"),
             {w.a.doc1_uuid});
  expect_ids(w.query(sq::kGetDocuments,
                     {p("$XDSDocumentEntryEntryUUID", list({w.a.doc1_uuid, w.a.doc2_uuid}))}),
             {w.a.doc1_uuid, w.a.doc2_uuid});
  expect_ids(w.query(sq::kGetDocuments, {{"$XDSDocumentEntryEntryUUID",
                                          {list({w.a.doc1_uuid}), list({w.b.doc1_uuid})}}}),
             {w.a.doc1_uuid, w.b.doc1_uuid});
  expect_ids(w.query(sq::kGetDocuments,
                     {p("$XDSDocumentEntryUniqueId", list({w.b.doc2_unique_id}))}, "LeafClass"),
             {w.b.doc2_uuid});
  expect_ids(w.query(sq::kGetDocuments, {p("$XDSDocumentEntryUniqueId",
                                           list({w.b.doc2_unique_id, w.c.doc1_unique_id}))}),
             {w.b.doc2_uuid, w.c.doc1_uuid});
  // A Deprecated document is returned by uuid, with its status.
  auto deprecated = w.query(sq::kGetDocuments,
                            {p("$XDSDocumentEntryEntryUUID", list({w.a.doc1_uuid}))}, "LeafClass");
  BOOST_TEST(deprecated.objects.at(0).status == kDeprecated);
  // 11901/homeCommunityId: $homeCommunityId is accepted and ignored.
  expect_ids(w.query(sq::kGetDocuments, {p("$XDSDocumentEntryEntryUUID", list({w.a.doc2_uuid})),
                                         p("$homeCommunityId", sql_quoted("urn:oid:1.2.3"))}),
             {w.a.doc2_uuid});
  expect_ids(
      w.query(sq::kGetDocuments, {p("$XDSDocumentEntryEntryUUID", list({"urn:uuid:unknown"}))}),
      {});
  expect_error(w.query(sq::kGetDocuments, {}), "XDSStoredQueryMissingParam");
  expect_error(
      w.query(sq::kGetDocuments, {p("$XDSDocumentEntryEntryUUID", list({w.a.doc1_uuid})),
                                  p("$XDSDocumentEntryUniqueId", list({w.a.doc1_unique_id}))}),
      "XDSStoredQueryParamNumber");
}

BOOST_AUTO_TEST_CASE(get_documents_of_two_patients_12368) {
  auto& w = world();
  const auto both = list({w.a.doc2_uuid, w.d.doc1_uuid});
  expect_error(w.query(sq::kGetDocuments, {p("$XDSDocumentEntryEntryUUID", both)}, "LeafClass"),
               "XDSResultNotSinglePatient");  // 12368/doc_leafclass
  expect_ids(w.query(sq::kGetDocuments, {p("$XDSDocumentEntryEntryUUID", both)}),
             {w.a.doc2_uuid, w.d.doc1_uuid});  // 12368/doc_objectref
  const auto sets = list({w.a.doc2_uuid, w.d.doc1_uuid});
  expect_error(w.query(sq::kGetSubmissionSets, {p("$uuid", sets)}, "LeafClass"),
               "XDSResultNotSinglePatient");  // 12368/ss_leafclass
  auto refs = w.query(sq::kGetSubmissionSets, {p("$uuid", sets)});
  BOOST_TEST(refs.objects.size() == 4u);  // 12368/ss_objectref
}

// ---- GetFolders ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(get_folders_by_uuid_and_unique_id) {
  auto& w = world();
  expect_ids(
      w.query(sq::kGetFolders, {p("$XDSFolderEntryUUID", list({w.folder_uuid}))}, "LeafClass"),
      {w.folder_uuid});  // 11902/uuid
  expect_ids(w.query(sq::kGetFolders, {p("$XDSFolderUniqueId", list({w.folder_unique_id}))}),
             {w.folder_uuid});  // 11902/uniqueid
  expect_ids(w.query(sq::kGetFolders, {p("$XDSFolderEntryUUID", list({w.a.doc1_uuid}))}), {});
  expect_error(w.query(sq::kGetFolders, {p("$XDSFolderEntryUUID", list({w.folder_uuid})),
                                         p("$XDSFolderUniqueId", list({w.folder_unique_id}))}),
               "XDSStoredQueryParamNumber");
  expect_error(w.query(sq::kGetFolders, {}), "XDSStoredQueryMissingParam");
}

// ---- GetAssociations ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(get_associations) {
  auto& w = world();
  // 11903/single_from_doc: lot A's Document02 is the target of one HasMember.
  auto one = w.query(sq::kGetAssociations, {p("$uuid", list({w.a.doc2_uuid}))}, "LeafClass");
  BOOST_TEST_REQUIRE(one.objects.size() == 1u);
  BOOST_TEST(one.objects[0].element == "Association");
  BOOST_TEST(one.objects[0].target == w.a.doc2_uuid);
  BOOST_TEST(one.objects[0].source == w.a.set_uuid);
  // 11903/multiple_assoc_from_doc: lot B's Document01: set and folder.
  BOOST_TEST(w.query(sq::kGetAssociations, {p("$uuid", list({w.b.doc1_uuid}))}).objects.size() ==
             2u);
  // 11903/multiple_assoc_from_ss: lot B's set: 2 documents, folder, folder association.
  BOOST_TEST(w.query(sq::kGetAssociations, {p("$uuid", list({w.b.set_uuid}))}).objects.size() ==
             4u);
  // 11903/multiple_doc.
  BOOST_TEST(w.query(sq::kGetAssociations, {p("$uuid", list({w.a.doc2_uuid, w.c.doc1_uuid}))})
                 .objects.size() == 3u);  // A's HasMember; C's HasMember and RPLC
  expect_error(w.query(sq::kGetAssociations, {}), "XDSStoredQueryParamNumber");
}

// ---- GetDocumentsAndAssociations ----------------------------------------------

BOOST_AUTO_TEST_CASE(get_documents_and_associations) {
  auto& w = world();
  auto answer = w.query(sq::kGetDocumentsAndAssociations,
                        {p("$XDSDocumentEntryUniqueId", list({w.c.doc1_unique_id}))}, "LeafClass");
  BOOST_TEST_REQUIRE(answer.registry.success());
  BOOST_TEST(answer.count("ExtrinsicObject") == 1u);  // 11904/uniqueid
  BOOST_TEST(answer.count("Association") == 2u);      // HasMember + RPLC
  auto many = w.query(sq::kGetDocumentsAndAssociations,
                      {p("$XDSDocumentEntryEntryUUID", list({w.a.doc2_uuid, w.b.doc1_uuid}))});
  BOOST_TEST(many.objects.size() == 2u + 3u);  // 11904/uuids
  auto by_unique_ids =
      w.query(sq::kGetDocumentsAndAssociations,
              {p("$XDSDocumentEntryUniqueId", list({w.a.doc2_unique_id, w.b.doc1_unique_id}))});
  BOOST_TEST(ids(by_unique_ids) == ids(many));  // 11904/uniqueids
  expect_error(w.query(sq::kGetDocumentsAndAssociations, {}), "XDSStoredQueryMissingParam");
}

// ---- GetSubmissionSets ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(get_submission_sets) {
  auto& w = world();
  // 11905/basic: one document → its set and the association.
  auto one = w.query(sq::kGetSubmissionSets, {p("$uuid", list({w.a.doc2_uuid}))}, "LeafClass");
  BOOST_TEST(one.count("RegistryPackage") == 1u);
  BOOST_TEST(one.count("Association") == 1u);
  BOOST_TEST(one.objects.at(0).id == w.a.set_uuid);
  // Two documents of two sets.
  auto two = w.query(sq::kGetSubmissionSets, {p("$uuid", list({w.a.doc2_uuid, w.c.doc1_uuid}))});
  BOOST_TEST(ids(two).count(w.a.set_uuid) == 1u);
  BOOST_TEST(ids(two).count(w.c.set_uuid) == 1u);
  BOOST_TEST(two.objects.size() == 4u);
  // Two documents of one set.
  auto same = w.query(sq::kGetSubmissionSets, {p("$uuid", list({w.b.doc1_uuid, w.b.doc2_uuid}))});
  BOOST_TEST(same.objects.size() == 3u);
  // A folder is a member too.
  auto folder = w.query(sq::kGetSubmissionSets, {p("$uuid", list({w.folder_uuid}))});
  BOOST_TEST(ids(folder).count(w.b.set_uuid) == 1u);
  expect_error(w.query(sq::kGetSubmissionSets, {}), "XDSStoredQueryParamNumber");
}

// ---- GetSubmissionSetAndContents -------------------------------------------------

BOOST_AUTO_TEST_CASE(get_submission_set_and_contents) {
  auto& w = world();
  // 11906/folder_and_docs: set, two documents, one folder and their associations.
  auto answer =
      w.query(sq::kGetSubmissionSetAndContents,
              {p("$XDSSubmissionSetUniqueId", sql_quoted(w.b.set_unique_id))}, "LeafClass");
  BOOST_TEST_REQUIRE(answer.registry.success(), answer.registry.codes());
  BOOST_TEST(answer.count("ExtrinsicObject") == 2u);
  BOOST_TEST(answer.count("RegistryPackage") == 2u);
  BOOST_TEST(answer.count("Association") == 5u);
  // 11906/uuid, objectrefs.
  auto refs = w.query(sq::kGetSubmissionSetAndContents,
                      {p("$XDSSubmissionSetEntryUUID", sql_quoted(w.b.set_uuid))});
  BOOST_TEST(ids(refs) == ids(answer));
  // 11906/conf_code: only Document01 of lot A is INVISIBLE_PATIENT.
  auto conf = w.query(sq::kGetSubmissionSetAndContents,
                      {p("$XDSSubmissionSetEntryUUID", sql_quoted(w.a.set_uuid)),
                       p("$XDSDocumentEntryConfidentialityCode",
                         list({"INVISIBLE_PATIENT^^1.2.250.1.213.1.1.4.13"}))},
                      "LeafClass");
  BOOST_TEST(conf.count("ExtrinsicObject") == 1u);
  BOOST_TEST(conf.count("Association") == 1u);
  // 11906/format_code: none match; the set stays.
  auto format = w.query(sq::kGetSubmissionSetAndContents,
                        {p("$XDSSubmissionSetEntryUUID", sql_quoted(w.a.set_uuid)),
                         p("$XDSDocumentEntryFormatCode", list({"x^^1.2"}))});
  BOOST_TEST(ids(format) == std::set<std::string>{w.a.set_uuid});
  auto type = w.query(sq::kGetSubmissionSetAndContents,
                      {p("$XDSSubmissionSetEntryUUID", sql_quoted(w.a.set_uuid)),
                       p("$XDSDocumentEntryType", list({kOnDemand}))});
  BOOST_TEST(ids(type) == std::set<std::string>{w.a.set_uuid});
  expect_error(w.query(sq::kGetSubmissionSetAndContents,
                       {p("$XDSSubmissionSetEntryUUID", list({w.a.set_uuid, w.b.set_uuid}))}),
               "XDSStoredQueryParamNumber");
  expect_error(w.query(sq::kGetSubmissionSetAndContents, {}), "XDSStoredQueryMissingParam");
}

// ---- GetFolderAndContents ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(get_folder_and_contents) {
  auto& w = world();
  auto answer = w.query(sq::kGetFolderAndContents,
                        {p("$XDSFolderEntryUUID", sql_quoted(w.folder_uuid))}, "LeafClass");
  BOOST_TEST_REQUIRE(answer.registry.success());
  BOOST_TEST(ids(answer) ==
             (std::set<std::string>{w.folder_uuid, w.b.doc1_uuid, answer.objects.back().id}));
  BOOST_TEST(answer.objects.back().source == w.folder_uuid);  // 11907/uuid
  auto by_unique_id =
      w.query(sq::kGetFolderAndContents, {p("$XDSFolderUniqueId", sql_quoted(w.folder_unique_id))});
  BOOST_TEST(ids(by_unique_id) == ids(answer));  // 11907/uniqueid
  auto conf =
      w.query(sq::kGetFolderAndContents,
              {p("$XDSFolderEntryUUID", sql_quoted(w.folder_uuid)),
               p("$XDSDocumentEntryConfidentialityCode", list({"N^^2.16.840.1.113883.5.25"})),
               p("$XDSDocumentEntryConfidentialityCode", list({"V^^2.16.840.1.113883.5.25"}))});
  BOOST_TEST(ids(conf) == std::set<std::string>{w.folder_uuid});  // 11907/both_conf_code
  auto format = w.query(sq::kGetFolderAndContents,
                        {p("$XDSFolderEntryUUID", sql_quoted(w.folder_uuid)),
                         p("$XDSDocumentEntryFormatCode",
                           list({"urn:ihe:iti:xds-sd:pdf:2008^^1.3.6.1.4.1.19376.1.2.3"}))});
  BOOST_TEST(format.objects.size() == 3u);  // 11907/format_code
  expect_error(w.query(sq::kGetFolderAndContents, {}), "XDSStoredQueryMissingParam");
}

// ---- GetFoldersForDocument -----------------------------------------------------------

BOOST_AUTO_TEST_CASE(get_folders_for_document) {
  auto& w = world();
  expect_ids(w.query(sq::kGetFoldersForDocument,
                     {p("$XDSDocumentEntryEntryUUID", sql_quoted(w.b.doc1_uuid))}, "LeafClass"),
             {w.folder_uuid});  // 11908/uuid
  expect_ids(w.query(sq::kGetFoldersForDocument,
                     {p("$XDSDocumentEntryUniqueId", sql_quoted(w.b.doc1_unique_id))}),
             {w.folder_uuid});  // 11908/uniqueid
  expect_ids(w.query(sq::kGetFoldersForDocument,
                     {p("$XDSDocumentEntryEntryUUID", sql_quoted(w.b.doc2_uuid))}),
             {});
  expect_error(w.query(sq::kGetFoldersForDocument, {}), "XDSStoredQueryMissingParam");
}

// ---- GetRelatedDocuments --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(get_related_documents) {
  auto& w = world();
  const auto types = p("$AssociationTypes", list({kHasMember, kRplc}));
  // 11909/uniqueid: the replacement and the replaced, and the RPLC.
  auto answer =
      w.query(sq::kGetRelatedDocuments,
              {p("$XDSDocumentEntryUniqueId", sql_quoted(w.c.doc1_unique_id)), types}, "LeafClass");
  BOOST_TEST_REQUIRE(answer.registry.success());
  BOOST_TEST(answer.count("ExtrinsicObject") == 2u);
  BOOST_TEST(answer.count("Association") == 1u);
  BOOST_TEST(answer.objects.back().association_type == kRplc);
  // From the other end, by uuid.
  auto back = w.query(sq::kGetRelatedDocuments,
                      {p("$XDSDocumentEntryEntryUUID", sql_quoted(w.a.doc1_uuid)), types});
  BOOST_TEST(ids(back) == ids(answer));
  // 11909/uuid (near a folder), uuid_no_related, uniqueid_no_related, no_initial_doc.
  expect_ids(w.query(sq::kGetRelatedDocuments,
                     {p("$XDSDocumentEntryEntryUUID", sql_quoted(w.b.doc1_uuid)), types}),
             {});
  expect_ids(w.query(sq::kGetRelatedDocuments,
                     {p("$XDSDocumentEntryUniqueId", sql_quoted(w.d.doc1_unique_id)), types}),
             {});
  expect_ids(w.query(sq::kGetRelatedDocuments,
                     {p("$XDSDocumentEntryEntryUUID",
                        sql_quoted("urn:uuid:d90e5407-b356-4d91-a89f-873917b4b0e6")),
                      types}),
             {});
  // Only the types asked for.
  expect_ids(w.query(sq::kGetRelatedDocuments,
                     {p("$XDSDocumentEntryEntryUUID", sql_quoted(w.a.doc1_uuid)),
                      p("$AssociationTypes", list({"urn:ihe:iti:2007:AssociationType:APND"}))}),
             {});
  expect_error(w.query(sq::kGetRelatedDocuments,
                       {p("$XDSDocumentEntryEntryUUID", sql_quoted(w.a.doc1_uuid))}),
               "XDSStoredQueryParamNumber");
}

// ---- Response options ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(return_composed_objects_false_leaves_out_classifications) {
  auto& w = world();
  auto composed = w.query(sq::kGetDocuments,
                          {p("$XDSDocumentEntryEntryUUID", list({w.a.doc2_uuid}))}, "LeafClass");
  BOOST_TEST(composed.objects.at(0).classifications > 0u);
  BOOST_TEST(composed.objects.at(0).external_identifiers == 2u);
  auto bare = read_query_answer(w.post(
      stored_query(sq::kGetDocuments, {p("$XDSDocumentEntryEntryUUID", list({w.a.doc2_uuid}))},
                   "LeafClass", false)));
  BOOST_TEST_REQUIRE(bare.objects.size() == 1u);
  BOOST_TEST(bare.objects[0].classifications == 0u);
  BOOST_TEST(bare.objects[0].external_identifiers == 0u);
  BOOST_TEST(bare.objects[0].status == kApproved);
}

BOOST_AUTO_TEST_CASE(errors_are_registry_errors_not_faults) {
  auto& w = world();
  const auto reply = w.post(stored_query("urn:uuid:nope", {}));
  BOOST_TEST(reply.status == 200);
  BOOST_TEST(reply.body.find("urn:ihe:iti:2007:RegistryStoredQueryResponse") != std::string::npos);
  expect_error(read_query_answer(reply), "XDSUnknownStoredQuery");
}
