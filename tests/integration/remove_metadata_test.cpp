#define BOOST_TEST_MODULE remove_metadata
#include <boost/test/unit_test.hpp>

// ITI-62 Remove Metadata (issue 5) over real HTTPS against a real
// PostgreSQL: what goes, what stays (the content), every refusal with its
// exact code and location and nothing removed, the operator credential, and
// the lifecycle cases of NIST tests 30000–30008 reproduced on lots
// registered through ITI-41.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "passerelle/core/xml.hpp"
#include "passerelle/gateway/xds_service.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/stored_query.hpp"
#include "remove_metadata_client.hpp"
#include "test_server.hpp"
#include "xds_client.hpp"
#include "xds_gateway.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::testing;
namespace sq = registry::sq;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

constexpr const char* kToken = "operator-token-7f3a9c";
constexpr const char* kHasMember = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";
constexpr const char* kApnd = "urn:ihe:iti:2007:AssociationType:APND";
constexpr const char* kRplc = "urn:ihe:iti:2007:AssociationType:RPLC";
constexpr const char* kXfrmRplc = "urn:ihe:iti:2007:AssociationType:XFRM_RPLC";
constexpr const char* kApproved = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
constexpr const char* kDeprecated = "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated";
constexpr const char* kDeleted = "urn:asip:ci-sis:2010:StatusType:Deleted";
constexpr const char* kSuccess = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";
constexpr const char* kFailure = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure";
constexpr const char* kFolderNode = "urn:uuid:d9d542f3-6cc4-48b6-8870-ea235fbc94c2";
const std::string kFixturePatientXml = "1234567890123^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH";
const std::string kOriginal =
    "<rim:Slot name=\"SubmissionSetStatus\"><rim:ValueList><rim:Value>Original</rim:Value>"
    "</rim:ValueList></rim:Slot>";

std::string cut(const std::string& text, const std::string& pattern) {
  const std::string out = std::regex_replace(text, std::regex(pattern), "");
  if (out == text) throw std::runtime_error("pattern not found: " + pattern);
  return out;
}

// The fixture lot with Document01 only: SubmissionSet01 HasMember (as01)
// Document01.
std::string one_document_lot() {
  auto m = cut(two_document_metadata(),
               "<rim:ExtrinsicObject id=\"Document02\"[\\s\\S]*?</rim:ExtrinsicObject>");
  return cut(m, "<rim:Association id=\"as02\"[\\s\\S]*?</rim:Association>");
}

// Document01 of the lot in an association `type` with `target`, a
// registered DocumentEntry.
std::string related_lot(const std::string& type, const std::string& target) {
  return replace_all(one_document_lot(), "<rim:Association id=\"as01\"",
                     "<rim:Association id=\"rel\" associationType=\"" + type +
                         "\" sourceObject=\"Document01\" targetObject=\"" + target +
                         "\"/><rim:Association id=\"as01\"");
}

// NIST 30003's shape: Document01 in Folder01, with the SubmissionSet →
// Folder, Folder → Document and SubmissionSet → (Folder → Document)
// HasMembers next to SubmissionSet → Document.
std::string folder_lot() {
  const std::string folder =
      "<rim:RegistryPackage id=\"Folder01\"><rim:Name><rim:LocalizedString value=\"Dossier\"/>"
      "</rim:Name><rim:Classification id=\"clf1\" "
      "classificationScheme=\"urn:uuid:1ba97051-7806-41a8-a48b-8fce7af683c5\" "
      "classifiedObject=\"Folder01\" nodeRepresentation=\"F1\"><rim:Slot name=\"codingScheme\">"
      "<rim:ValueList><rim:Value>1.2.3.4.6</rim:Value></rim:ValueList></rim:Slot><rim:Name>"
      "<rim:LocalizedString value=\"F1\"/></rim:Name></rim:Classification>"
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
      "<rim:Classification id=\"clf0\" classifiedObject=\"Folder01\" classificationNode=\"" +
      std::string(kFolderNode) + "\"/>" + "<rim:Association id=\"asf1\" associationType=\"" +
      kHasMember + "\" sourceObject=\"SubmissionSet01\" targetObject=\"Folder01\">" + kOriginal +
      "</rim:Association><rim:Association id=\"asf2\" associationType=\"" + kHasMember +
      "\" sourceObject=\"Folder01\" targetObject=\"Document01\"/>"
      "<rim:Association id=\"asf3\" associationType=\"" +
      kHasMember + "\" sourceObject=\"SubmissionSet01\" targetObject=\"asf2\">" + kOriginal +
      "</rim:Association>";
  return replace_all(one_document_lot(), "<rim:Association id=\"as01\"",
                     folder + "<rim:Association id=\"as01\"");
}

// The entryUUIDs of one registered lot.
struct Lot {
  std::string set, doc, doc_unique_id, has_member;  // SubmissionSet → Document01
  std::string doc2, has_member2;                    // Document02, when the lot has it
  std::string relation;                             // Document01 → target (related_lot)
  std::string folder, set_folder, folder_doc, set_folder_doc;  // folder_lot
  std::vector<std::string> all() const {
    std::vector<std::string> ids;
    for (const auto* id : {&set, &doc, &has_member, &doc2, &has_member2, &relation, &folder,
                           &set_folder, &folder_doc, &set_folder_doc}) {
      if (!id->empty()) ids.push_back(*id);
    }
    return ids;
  }
};

std::string show(const store::XdsStore::Counts& c) {
  return "objects=" + std::to_string(c.objects) + " documents=" + std::to_string(c.documents) +
         " contents=" + std::to_string(c.contents) +
         " content_bytes=" + std::to_string(c.content_bytes);
}

// The dmp profile without what ITI-62 does not depend on: the lots these
// tests register carry no lot signature, the requests no VIHF assertion.
std::shared_ptr<const registry::Profile> dmp_without_signatures() {
  auto profile = registry::load_named_profile("dmp");
  profile.lot_signature_required = false;
  profile.vihf_required = false;
  return std::make_shared<const registry::Profile>(std::move(profile));
}

// A database with the patient's record, a gateway without the operator API
// (XdsTestGateway) and one with it, both on that database.
struct World {
  XdsTestGateway xds{dmp_without_signatures()};
  std::unique_ptr<TestServer> server;
  std::atomic<int> salt{0};

  World() {
    TestServerOptions options;
    options.db_uri = xds.uri;
    gateway::XdsDependencies dependencies;
    dependencies.pool = xds.pool;
    dependencies.profile = xds.profile;
    dependencies.repository_unique_id = kTestRepository;
    options.router = gateway::make_xds_router(dependencies);
    options.operator_token = kToken;
    server = std::make_unique<TestServer>(std::move(options));
  }

  HttpReply post(
      const HttpRequestBody& request, const std::string& path = "/xds/registry",
      const std::map<std::string, std::string>& headers = operator_authorization(kToken)) const {
    auto connection = server->connect();
    return connection.request("POST", path, request.content_type, request.body, headers);
  }

  RegistryAnswer remove(const std::vector<std::string>& ids) const {
    return read_registry_answer(post(remove_metadata(ids)));
  }

  std::string value(const std::string& query, const std::vector<std::string>& parameters) const {
    auto connection = xds.pool->acquire();
    pqxx::work tx(*connection);
    pqxx::result rows;
    switch (parameters.size()) {
      case 0:
        rows = tx.exec(query);
        break;
      case 1:
        rows = tx.exec_params(query, parameters[0]);
        break;
      case 2:
        rows = tx.exec_params(query, parameters[0], parameters[1]);
        break;
      default:
        rows = tx.exec_params(query, parameters[0], parameters[1], parameters[2]);
    }
    tx.commit();
    return rows.empty() || rows[0][0].is_null() ? "" : rows[0][0].as<std::string>();
  }

  void execute(const std::string& statement) const {
    auto connection = xds.pool->acquire();
    pqxx::work tx(*connection);
    tx.exec(statement);
    tx.commit();
  }

  bool exists(const std::string& uuid) const {
    return value("SELECT count(*) FROM registry_objects WHERE entry_uuid = $1", {uuid}) == "1";
  }
  std::string status(const std::string& uuid) const {
    return value("SELECT status FROM registry_objects WHERE entry_uuid = $1", {uuid});
  }
  std::string association(const std::string& source, const std::string& target,
                          const std::string& type) const {
    return value(
        "SELECT entry_uuid FROM associations WHERE source = $1 AND target = $2 "
        "AND type = $3",
        {source, target, type});
  }

  Lot submit(std::string metadata, const std::string& relation_type = "") {
    metadata = with_fresh_unique_ids(metadata, std::to_string(9000 + ++salt));
    std::vector<Part> parts{{"Document01", "application/pdf", read_fixture("xds/document01.pdf")}};
    const bool two = metadata.find("id=\"Document02\"") != std::string::npos;
    if (two) parts.push_back({"Document02", "application/pdf", read_fixture("xds/document02.pdf")});
    const auto answer =
        read_registry_answer(post(provide_and_register_mtom(metadata, parts), "/xds"));
    if (!answer.success()) {
      throw std::runtime_error("ITI-41 refused: " + answer.codes() + " " +
                               (answer.errors.empty() ? "" : answer.errors.front().context));
    }
    Lot lot;
    const std::string lot_id = value("SELECT max(lot_id)::text FROM lots", {});
    lot.set = value(
        "SELECT entry_uuid FROM registry_objects WHERE lot_id = $1::bigint "
        "AND kind = 'SubmissionSet'",
        {lot_id});
    const auto document = [&](const std::string& symbolic) {
      return value(
          "SELECT entry_uuid FROM registry_objects WHERE kind = 'DocumentEntry' "
          "AND unique_id = $1",
          {document_unique_id(metadata, symbolic)});
    };
    lot.doc_unique_id = document_unique_id(metadata, "Document01");
    lot.doc = document("Document01");
    lot.has_member = association(lot.set, lot.doc, kHasMember);
    if (two) {
      lot.doc2 = document("Document02");
      lot.has_member2 = association(lot.set, lot.doc2, kHasMember);
    }
    if (!relation_type.empty()) {
      lot.relation = value("SELECT entry_uuid FROM associations WHERE source = $1 AND type = $2",
                           {lot.doc, relation_type});
    }
    lot.folder = value(
        "SELECT entry_uuid FROM registry_objects WHERE lot_id = $1::bigint "
        "AND kind = 'Folder'",
        {lot_id});
    if (!lot.folder.empty()) {
      lot.set_folder = association(lot.set, lot.folder, kHasMember);
      lot.folder_doc = association(lot.folder, lot.doc, kHasMember);
      lot.set_folder_doc = association(lot.set, lot.folder_doc, kHasMember);
    }
    if (lot.set.empty() || lot.doc.empty() || lot.has_member.empty() ||
        (!relation_type.empty() && lot.relation.empty())) {
      throw std::runtime_error("the lot's objects were not found");
    }
    return lot;
  }

  // A replacement/append chain: an original lot, then one lot per type
  // whose Document01 is in that association with the previous lot's.
  std::vector<Lot> chain(const std::vector<std::string>& types) {
    std::vector<Lot> lots{submit(one_document_lot())};
    for (const auto& type : types) lots.push_back(submit(related_lot(type, lots.back().doc), type));
    return lots;
  }

  store::XdsStore::Counts counts() const { return xds.counts(); }
};

// A refusal: Failure, every error `code`, exactly `locations`.
void expect_refused(const RegistryAnswer& answer, const std::string& code,
                    const std::set<std::string>& locations) {
  BOOST_TEST(answer.status == kFailure);
  std::set<std::string> seen;
  for (const auto& error : answer.errors) {
    BOOST_TEST(error.code == code);
    BOOST_TEST(error.severity == "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error");
    seen.insert(error.location);
  }
  BOOST_TEST(seen == locations, "locations: expected " << locations.size() << ", got "
                                                       << answer.errors.size() << " ("
                                                       << answer.codes() << ")");
}

void expect_removed(const RegistryAnswer& answer) {
  BOOST_TEST(answer.status == kSuccess);
  BOOST_TEST(answer.errors.empty(), answer.codes());
}

}  // namespace

BOOST_AUTO_TEST_CASE(removes_a_submission_set_with_its_document_and_keeps_the_content) {
  // NIST 30001 remove_all: SubmissionSet, DocumentEntry and HasMember go.
  World world;
  const auto kept = world.submit(one_document_lot());
  const auto lot = world.submit(one_document_lot());
  const auto documents_found = [&] {
    const auto answer = read_query_answer(world.post(stored_query(
        sq::kGetDocuments, {{"$XDSDocumentEntryEntryUUID", {"('" + lot.doc + "')"}}})));
    BOOST_TEST(answer.registry.status == kSuccess);
    return answer.objects.size();
  };
  const auto set_contents_found = [&] {
    return read_query_answer(
               world.post(stored_query(sq::kGetSubmissionSetAndContents,
                                       {{"$XDSSubmissionSetEntryUUID", {"'" + lot.set + "'"}}})))
        .objects.size();
  };
  const auto retrieve = [&] {
    return read_retrieve_answer(
        world.post(retrieve_document_set({{kTestRepository, lot.doc_unique_id}}), "/xds"));
  };
  BOOST_TEST(documents_found() == 1u);
  BOOST_TEST(set_contents_found() == 3u);  // set, document, HasMember
  BOOST_TEST(retrieve().documents.size() == 1u);
  const auto before = world.counts();

  expect_removed(world.remove({lot.doc, lot.has_member, lot.set}));

  const auto after = world.counts();
  // The three objects and the set's marker Classification.
  BOOST_TEST(after.objects == before.objects - 4);
  BOOST_TEST(after.documents == before.documents - 1);
  BOOST_TEST(after.contents == before.contents);
  BOOST_TEST(after.content_bytes == before.content_bytes);
  BOOST_TEST(world.value("SELECT count(*) FROM contents WHERE unique_id = $1",
                         {lot.doc_unique_id}) == "1");
  for (const auto& id : {lot.doc, lot.has_member, lot.set}) BOOST_TEST(!world.exists(id));
  BOOST_TEST(world.value("SELECT count(*) FROM registry_objects WHERE lot_id = "
                         "(SELECT lot_id FROM lots ORDER BY lot_id DESC LIMIT 1)",
                         {}) == "0");

  // Queries and retrieve no longer know it; the other lot is untouched.
  BOOST_TEST(documents_found() == 0u);
  BOOST_TEST(set_contents_found() == 0u);
  const auto retrieved = retrieve();
  BOOST_TEST(retrieved.documents.empty());
  BOOST_TEST(retrieved.registry.codes() == "XDSDocumentUniqueIdError");
  for (const auto& id : kept.all()) BOOST_TEST(world.exists(id));
}

BOOST_AUTO_TEST_CASE(unknown_object_is_an_unresolved_reference_and_nothing_goes) {
  // NIST 30000, with a resolvable object next to the unknown ones.
  World world;
  const auto lot = world.submit(one_document_lot());
  const auto before = world.counts();
  const std::string unknown = "urn:uuid:11111111-2222-3333-4444-999999999999";
  const std::string symbolic = "SubmissionSet01";

  expect_refused(world.remove({lot.doc, lot.has_member, lot.set, unknown, symbolic}),
                 "UnresolvedReferenceException", {unknown, symbolic});
  BOOST_TEST(show(world.counts()) == show(before));
  for (const auto& id : lot.all()) BOOST_TEST(world.exists(id));
}

BOOST_AUTO_TEST_CASE(submission_set_still_referenced_by_its_has_member) {
  // NIST 30001 and 30002 remove_submissionset.
  World world;
  const auto lot = world.submit(one_document_lot());
  const auto before = world.counts();

  expect_refused(world.remove({lot.set}), "ReferencesExistException", {lot.set});
  BOOST_TEST(show(world.counts()) == show(before));
  BOOST_TEST(world.exists(lot.set));
}

BOOST_AUTO_TEST_CASE(submission_set_left_without_members_is_unreferenced) {
  // NIST 30001 remove_doc_and_association.
  World world;
  const auto lot = world.submit(one_document_lot());
  const auto before = world.counts();

  expect_refused(world.remove({lot.doc, lot.has_member}), "XDSUnreferencedObjectException",
                 {lot.set});
  BOOST_TEST(show(world.counts()) == show(before));
  BOOST_TEST(world.exists(lot.doc));
  BOOST_TEST(world.exists(lot.has_member));
}

BOOST_AUTO_TEST_CASE(document_left_in_no_submission_set_is_unreferenced) {
  // The SubmissionSet keeps Document02, but Document01 would belong to none.
  World world;
  const auto lot = world.submit(two_document_metadata());
  const auto before = world.counts();

  expect_refused(world.remove({lot.has_member}), "XDSUnreferencedObjectException", {lot.doc});
  BOOST_TEST(show(world.counts()) == show(before));

  // With the document it goes; the set keeps its other member.
  expect_removed(world.remove({lot.has_member, lot.doc}));
  BOOST_TEST(world.exists(lot.set));
  BOOST_TEST(world.exists(lot.doc2));
  BOOST_TEST(world.counts().documents == before.documents - 1);
}

BOOST_AUTO_TEST_CASE(folder_and_its_memberships) {
  // NIST 30003, then the Folder itself.
  World world;
  const auto lot = world.submit(folder_lot());
  const auto before = world.counts();

  // remove_folder_and_documententry_only: the set would be left empty.
  expect_refused(world.remove({lot.doc, lot.folder, lot.has_member, lot.set_folder,
                               lot.set_folder_doc, lot.folder_doc}),
                 "XDSUnreferencedObjectException", {lot.set});
  BOOST_TEST(show(world.counts()) == show(before));
  // remove_submissionset: four HasMembers still point at it.
  expect_refused(world.remove({lot.set}), "ReferencesExistException", {lot.set});
  // The Folder → Document membership alone: the set's HasMember names it.
  expect_refused(world.remove({lot.folder_doc}), "ReferencesExistException", {lot.folder_doc});
  // The set's HasMember of the membership alone: the membership would be in
  // no SubmissionSet.
  expect_refused(world.remove({lot.set_folder_doc}), "XDSUnreferencedObjectException",
                 {lot.folder_doc});
  // The set's HasMember of the Folder alone: the Folder would be in none.
  expect_refused(world.remove({lot.set_folder}), "XDSUnreferencedObjectException", {lot.folder});
  BOOST_TEST(show(world.counts()) == show(before));

  // remove_FD-DE-HM_only: the empty Folder stays, referenced by the set.
  expect_removed(world.remove({lot.folder_doc, lot.set_folder_doc}));
  BOOST_TEST(world.exists(lot.folder));
  BOOST_TEST(world.exists(lot.doc));
  BOOST_TEST(world.counts().objects == before.objects - 2);

  // The Folder goes with its HasMember and its marker Classification.
  expect_removed(world.remove({lot.folder, lot.set_folder}));
  BOOST_TEST(world.counts().objects == before.objects - 5);
  BOOST_TEST(world.value("SELECT count(*) FROM folders", {}) == "0");
}

BOOST_AUTO_TEST_CASE(nist_30002_empty_folder) {
  // A SubmissionSet holding only an empty Folder, registered through ITI-42.
  World world;
  auto m =
      cut(folder_lot(), "<rim:ExtrinsicObject id=\"Document01\"[\\s\\S]*?</rim:ExtrinsicObject>");
  m = cut(m, "<rim:Association id=\"asf2\"[^>]*/>");
  m = cut(m, "<rim:Association id=\"asf3\"[\\s\\S]*?</rim:Association>");
  m = cut(m, "<rim:Association id=\"as01\"[\\s\\S]*?</rim:Association>");
  const auto registered =
      read_registry_answer(world.post(register_document_set(with_fresh_unique_ids(m, "9901"))));
  BOOST_REQUIRE_MESSAGE(registered.success(), registered.codes());
  const auto set =
      world.value("SELECT entry_uuid FROM registry_objects WHERE kind = 'SubmissionSet'", {});
  const auto folder =
      world.value("SELECT entry_uuid FROM registry_objects WHERE kind = 'Folder'", {});
  const auto has_member = world.association(set, folder, kHasMember);
  BOOST_REQUIRE(!has_member.empty());
  const auto before = world.counts();

  // remove_submissionset, then remove_folder_and_association.
  expect_refused(world.remove({set}), "ReferencesExistException", {set});
  expect_refused(world.remove({folder, has_member}), "XDSUnreferencedObjectException", {set});
  BOOST_TEST(show(world.counts()) == show(before));
  // remove_all: the three objects and the two marker Classifications.
  expect_removed(world.remove({set, has_member, folder}));
  BOOST_TEST(world.counts().objects == before.objects - 5);
  BOOST_TEST(world.counts().objects == 0);
}

BOOST_AUTO_TEST_CASE(nist_30004_appended_document) {
  World world;
  const auto baseline = world.counts();
  const auto lots = world.chain({kApnd});
  const auto& [original, appended] = std::tie(lots[0], lots[1]);
  const auto before = world.counts();

  // remove_orig_set_only: the APND still points at the original.
  expect_refused(world.remove({original.doc, original.has_member, original.set}),
                 "ReferencesExistException", {original.doc});
  BOOST_TEST(show(world.counts()) == show(before));

  // remove_apnd_set_only.
  expect_removed(
      world.remove({appended.relation, appended.doc, appended.has_member, appended.set}));
  BOOST_TEST(world.counts().objects == baseline.objects + 4);  // the original lot's
  BOOST_TEST(world.counts().documents == baseline.documents + 1);
  for (const auto& id : original.all()) BOOST_TEST(world.exists(id));
  BOOST_TEST(world.status(original.doc) == kApproved);
}

BOOST_AUTO_TEST_CASE(nist_30005_replacement) {
  World world;
  const auto lots = world.chain({kRplc});
  const auto& [original, replacement] = std::tie(lots[0], lots[1]);
  BOOST_TEST(world.status(original.doc) == kDeprecated);
  const auto before = world.counts();

  // remove_rplc_set: the RPLC, not removed, starts at the replacement.
  expect_refused(world.remove({replacement.doc, replacement.has_member, replacement.set}),
                 "ReferencesExistException", {replacement.doc});
  BOOST_TEST(show(world.counts()) == show(before));

  // remove_orig_set: the Deprecated original goes with the RPLC.
  expect_removed(
      world.remove({replacement.relation, original.doc, original.has_member, original.set}));
  for (const auto& id : replacement.all()) {
    if (id != replacement.relation) BOOST_TEST(world.exists(id));
  }
  BOOST_TEST(world.status(replacement.doc) == kApproved);
  BOOST_TEST(world.counts().documents == before.documents - 1);
  BOOST_TEST(world.counts().contents == before.contents);
}

BOOST_AUTO_TEST_CASE(nist_30006_transform_replace_then_append_step_by_step) {
  World world;
  const auto baseline = world.counts();
  const auto lots = world.chain({kXfrmRplc, kApnd});
  const auto& [original, replacement, appended] = std::tie(lots[0], lots[1], lots[2]);
  const auto before = world.counts();

  // remove_original_submissionset: XFRM_RPLC points at the original.
  expect_refused(world.remove({original.doc, original.has_member, original.set}),
                 "ReferencesExistException", {original.doc});
  BOOST_TEST(show(world.counts()) == show(before));
  // remove_original_submissionset_and_rplc.
  expect_removed(
      world.remove({original.doc, original.has_member, original.set, replacement.relation}));
  // remove_replacement_submissionset: the APND points at the replacement.
  const auto middle = world.counts();
  expect_refused(world.remove({replacement.doc, replacement.has_member, replacement.set}),
                 "ReferencesExistException", {replacement.doc});
  BOOST_TEST(show(world.counts()) == show(middle));
  // remove_append_submissionset, then now_remove_replacement_submissionset.
  expect_removed(
      world.remove({appended.relation, appended.doc, appended.has_member, appended.set}));
  expect_removed(world.remove({replacement.doc, replacement.has_member, replacement.set}));

  const auto after = world.counts();
  BOOST_TEST(after.objects == baseline.objects);
  BOOST_TEST(after.documents == baseline.documents);
  BOOST_TEST(after.contents == before.contents);  // three documents' content stays
}

BOOST_AUTO_TEST_CASE(nist_30007_everything_in_one_transaction) {
  World world;
  const auto baseline = world.counts();
  const auto lots = world.chain({kXfrmRplc, kApnd});
  const auto& [original, replacement, appended] = std::tie(lots[0], lots[1], lots[2]);
  const auto before = world.counts();

  std::vector<std::string> all = original.all();
  for (const auto* lot : {&replacement, &appended}) {
    const auto ids = lot->all();
    all.insert(all.end(), ids.begin(), ids.end());
  }
  // Without the APND the whole request is refused: it still joins two of
  // the removed entries, and each is reported.
  auto missing_one = all;
  missing_one.erase(std::find(missing_one.begin(), missing_one.end(), appended.relation));
  expect_refused(world.remove(missing_one), "ReferencesExistException",
                 {replacement.doc, appended.doc});
  BOOST_TEST(show(world.counts()) == show(before));

  expect_removed(world.remove(all));
  const auto after = world.counts();
  BOOST_TEST(after.objects == baseline.objects);
  BOOST_TEST(after.documents == baseline.documents);
  BOOST_TEST(after.contents == before.contents);
}

BOOST_AUTO_TEST_CASE(nist_30008_append_then_transform_replace_of_the_appended) {
  World world;
  // DE1 appends DE0, DE2 transforms and replaces DE1 (now Deprecated).
  const auto lots = world.chain({kApnd, kXfrmRplc});
  const auto& [original, appended, replacement] = std::tie(lots[0], lots[1], lots[2]);
  const auto before = world.counts();

  // attempt_remove_original_set: the APND points at DE0.
  expect_refused(world.remove({original.doc, original.has_member, original.set}),
                 "ReferencesExistException", {original.doc});
  BOOST_TEST(show(world.counts()) == show(before));
  // remove_APND_assoc_only, then remove_orig_set.
  expect_removed(world.remove({appended.relation}));
  expect_removed(world.remove({original.doc, original.has_member, original.set}));
  // attempt_remove_apnd_set: XFRM_RPLC points at DE1.
  const auto middle = world.counts();
  expect_refused(world.remove({appended.doc, appended.has_member, appended.set}),
                 "ReferencesExistException", {appended.doc});
  BOOST_TEST(show(world.counts()) == show(middle));
  // remove_xfrm_rplc.
  expect_removed(world.remove(
      {replacement.relation, replacement.doc, replacement.has_member, replacement.set}));

  // eval_remove: DE1 (Deprecated) and its HasMember stay.
  BOOST_TEST(world.status(appended.doc) == kDeprecated);
  BOOST_TEST(world.exists(appended.has_member));
  BOOST_TEST(world.counts().documents == before.documents - 2);
}

BOOST_AUTO_TEST_CASE(deleted_entry_is_removable_by_the_operator) {
  World world;
  const auto lot = world.submit(one_document_lot());
  for (const char* table : {"registry_objects", "document_entries"}) {
    world.execute(std::string("UPDATE ") + table + " SET status = '" + kDeleted +
                  "' WHERE entry_uuid = '" + lot.doc + "'");
  }
  const auto before = world.counts();
  // On the combined endpoint this time.
  expect_removed(read_registry_answer(
      world.post(remove_metadata({lot.doc, lot.has_member, lot.set}), "/xds")));
  BOOST_TEST(world.counts().documents == before.documents - 1);
  BOOST_TEST(world.counts().contents == before.contents);
}

BOOST_AUTO_TEST_CASE(a_marker_classification_is_not_removable_on_its_own) {
  World world;
  const auto lot = world.submit(one_document_lot());
  const auto marker =
      world.value("SELECT entry_uuid FROM registry_objects WHERE kind = 'Classification'", {});
  BOOST_REQUIRE(!marker.empty());
  const auto before = world.counts();
  expect_refused(world.remove({marker}), "XDSRegistryMetadataError", {marker});
  BOOST_TEST(show(world.counts()) == show(before));
}

BOOST_AUTO_TEST_CASE(database_failure_is_a_registry_error_and_nothing_goes) {
  World world;
  const auto lot = world.submit(one_document_lot());
  // Fails the last statement of the transaction, after every check passed.
  world.execute(
      "CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "RAISE EXCEPTION 'test: storage refused'; END $$; "
      "CREATE TRIGGER refuse_delete BEFORE DELETE ON submission_sets "
      "FOR EACH ROW EXECUTE FUNCTION refuse_delete()");
  const auto before = world.counts();

  const auto answer = world.remove({lot.doc, lot.has_member, lot.set});
  expect_refused(answer, "XDSRegistryError", {"registry"});
  BOOST_REQUIRE(!answer.errors.empty());
  BOOST_TEST(answer.errors.front().context.find("storage refused") == std::string::npos);
  BOOST_TEST(show(world.counts()) == show(before));
  for (const auto& id : lot.all()) BOOST_TEST(world.exists(id));
  BOOST_TEST(world.server->wait_for_log("storage refused"));
}

BOOST_AUTO_TEST_CASE(without_the_operator_credential_it_is_a_fault_and_nothing_goes) {
  World world;
  const auto lot = world.submit(one_document_lot());
  const auto before = world.counts();
  const auto request = remove_metadata({lot.doc, lot.has_member, lot.set});

  const std::vector<std::map<std::string, std::string>> credentials{
      {},                                                   // none
      operator_authorization("not-the-operator-token"),     // wrong token
      {{"Authorization", std::string("Basic ") + kToken}},  // wrong scheme
      {{"Authorization", "Bearer"}},                        // no token
  };
  for (const auto& headers : credentials) {
    for (const char* path : {"/xds/registry", "/xds"}) {
      const auto reply = world.post(request, path, headers);
      BOOST_TEST(reply.status == 400u);
      const auto fault = read_fault(reply);
      BOOST_TEST(fault.code == "Sender");
      BOOST_TEST(fault.subcode_namespace == "urn:passerelle:fault");
      BOOST_TEST(fault.subcode == "OperatorCredentialRequired");
    }
  }
  // A gateway whose operator API is disabled accepts no token.
  {
    auto connection = world.xds.server->connect();
    const auto reply = connection.request("POST", "/xds/registry", request.content_type,
                                          request.body, operator_authorization(kToken));
    BOOST_TEST(reply.status == 400u);
    BOOST_TEST(read_fault(reply).subcode == "OperatorCredentialRequired");
  }
  BOOST_TEST(show(world.counts()) == show(before));
  for (const auto& id : lot.all()) BOOST_TEST(world.exists(id));

  // The repository endpoint does not offer ITI-62, token or not.
  const auto reply = world.post(request, "/xds/repository");
  BOOST_TEST(read_fault(reply).subcode == "ActionNotSupported");
  BOOST_TEST(show(world.counts()) == show(before));
}

BOOST_AUTO_TEST_CASE(requests_that_are_not_iti_62_are_refused) {
  World world;
  const auto lot = world.submit(one_document_lot());
  const auto before = world.counts();
  const std::string open =
      "<lcm:RemoveObjectsRequest xmlns:lcm=\"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0\" "
      "xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\"";
  const std::string refs = "<rim:ObjectRefList><rim:ObjectRef id=\"" + lot.doc +
                           "\"/><rim:ObjectRef id=\"" + lot.has_member +
                           "\"/><rim:ObjectRef id=\"" + lot.set + "\"/></rim:ObjectRefList>";
  const std::string close = "</lcm:RemoveObjectsRequest>";

  const auto answer = [&](const std::string& body) {
    return read_registry_answer(world.post(remove_metadata_raw(body)));
  };
  expect_refused(answer(open +
                        " deletionScope=\"urn:oasis:names:tc:ebxml-regrep:"
                        "DeletionScopeType:DeleteRepositoryItemOnly\">" +
                        refs + close),
                 "XDSRegistryMetadataError", {"deletionScope"});
  expect_refused(answer(open +
                        "><rim:AdhocQuery id=\"urn:uuid:5c4f972b-d56b-40ac-a5fc-"
                        "c8ca9b40b9d4\"/>" +
                        refs + close),
                 "XDSRegistryMetadataError", {"AdhocQuery"});
  expect_refused(answer(open + ">" + close), "XDSRegistryMetadataError", {"ObjectRefList"});
  expect_refused(answer(open + "><rim:ObjectRefList/>" + close), "XDSRegistryMetadataError",
                 {"ObjectRefList"});
  expect_refused(answer(open + "><rim:ObjectRefList><rim:ObjectRef/></rim:ObjectRefList>" + close),
                 "XDSRegistryMetadataError", {"ObjectRef"});
  BOOST_TEST(show(world.counts()) == show(before));

  // Another body element is a malformed request.
  const auto reply = world.post(remove_metadata_raw("<t:other xmlns:t=\"urn:test\"/>"));
  BOOST_TEST(read_fault(reply).subcode == "MalformedEnvelope");

  // DeleteAll is what ITI-62 means, and is accepted.
  expect_removed(answer(open +
                        " deletionScope=\"urn:oasis:names:tc:ebxml-regrep:"
                        "DeletionScopeType:DeleteAll\">" +
                        refs + close));
}

BOOST_AUTO_TEST_CASE(concurrent_removals_cannot_empty_a_submission_set_together) {
  // Each request alone is fine (the set keeps the other document); both
  // together would leave it empty. The set's row lock orders them: the
  // second sees the first's removal and refuses.
  World world;
  const auto lot = world.submit(two_document_metadata());
  const auto before = world.counts();

  // Hold the set's row so that both removals queue on it.
  auto holder_connection = world.xds.pool->acquire();
  auto holder = std::make_unique<pqxx::work>(*holder_connection);
  holder->exec_params("SELECT 1 FROM registry_objects WHERE entry_uuid = $1 FOR UPDATE", lot.set);

  auto first = std::async(std::launch::async, [&] {
    return world.remove({lot.doc, lot.has_member});
  });
  auto second = std::async(std::launch::async, [&] {
    return world.remove({lot.doc2, lot.has_member2});
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  const auto waiting = [&] {
    return world.value("SELECT count(*) FROM pg_locks WHERE NOT granted", {});
  };
  while (waiting() != "2" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_TEST(waiting() == "2");  // both removals wait on the set
  holder->abort();
  holder.reset();

  const auto a = first.get();
  const auto b = second.get();
  BOOST_TEST((a.success() != b.success()), a.codes() << " / " << b.codes());
  const auto& refused = a.success() ? b : a;
  expect_refused(refused, "XDSUnreferencedObjectException", {lot.set});
  BOOST_TEST(world.exists(lot.set));
  BOOST_TEST(world.counts().documents == before.documents - 1);
}
