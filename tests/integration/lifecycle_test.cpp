#define BOOST_TEST_MODULE lifecycle
#include <boost/test/unit_test.hpp>

// The document lifecycle over real HTTPS and a real PostgreSQL (issue 5,
// R-CHG-1..5): replacement (RPLC, CP-117), folders, ITI-57 Update Document
// Set (new versions, the four availability statuses, Submit Association).
// Every refusal is checked for its exact code and for leaving the registry
// as it was.

#include <atomic>
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "metadata_update_client.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/stored_query.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "xds_client.hpp"
#include "xds_gateway.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::testing;
namespace sq = registry::sq;
namespace vocab = registry::vocab;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

const std::string kApproved = vocab::kApproved;
const std::string kDeprecated = vocab::kDeprecated;
const std::string kArchived = vocab::kArchived;
const std::string kDeleted = vocab::kDeleted;
const std::string kOtherPatient = "2234567890123^^^&1.2.250.1.213.1.4.10&ISO^NH";
const std::string kOtherPatientXml = "2234567890123^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH";
const std::string kTestPatientXml = "1234567890123^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH";

std::string quoted(const std::string& value) { return "('" + value + "')"; }

// One registered lot: its metadata as sent and the entryUUIDs it was given.
struct Lot {
  std::string metadata;
  std::string set;
  std::string doc1, doc2;
  std::string doc1_unique_id, doc2_unique_id;
};

struct Gateway : XdsTestGateway {
  explicit Gateway(std::shared_ptr<const registry::Profile> profile = nullptr)
      : XdsTestGateway(std::move(profile)) {}
  std::atomic<int> salt{0};

  std::string next_salt() { return std::to_string(5000 + ++salt); }

  // A fresh lot (two documents) with known entryUUIDs; `edit` may change the
  // metadata before it is sent (add a folder, an association…).
  Lot lot(const std::function<std::string(const Lot&)>& edit = {}) {
    Lot lot;
    lot.set = registry::new_uuid_urn();
    lot.doc1 = registry::new_uuid_urn();
    lot.doc2 = registry::new_uuid_urn();
    // ITI-42 metadata: the fixture's ITI-41 lot plus the repository's id.
    lot.metadata = with_entry_uuids(
        replace_all(
            with_fresh_unique_ids(two_document_metadata(), next_salt()), "</rim:ExtrinsicObject>",
            std::string("<rim:Slot name=\"repositoryUniqueId\"><rim:ValueList><rim:Value>") +
                kTestRepository + "</rim:Value></rim:ValueList></rim:Slot></rim:ExtrinsicObject>"),
        lot.set, {lot.doc1, lot.doc2});
    lot.doc1_unique_id = document_unique_id(lot.metadata, lot.doc1);
    lot.doc2_unique_id = document_unique_id(lot.metadata, lot.doc2);
    if (edit) lot.metadata = edit(lot);
    return lot;
  }

  RegistryAnswer register_lot(const Lot& lot) {
    return read_registry_answer(post("/xds/registry", register_document_set(lot.metadata)));
  }
  Lot registered(const std::function<std::string(const Lot&)>& edit = {}) {
    auto made = lot(edit);
    const auto answer = register_lot(made);
    BOOST_REQUIRE_MESSAGE(
        answer.success(),
        answer.codes() + ": " + (answer.errors.empty() ? "" : answer.errors[0].context));
    return made;
  }
  RegistryAnswer update(const registry::SubmitObjectsRequest& request) {
    return read_registry_answer(
        post("/xds/registry", update_document_set(serialize_request(request))));
  }
  QueryAnswer query(const std::string& id, const std::vector<QueryParameter>& parameters,
                    const std::string& return_type = "LeafClass") {
    auto answer =
        read_query_answer(post("/xds/registry", stored_query(id, parameters, return_type)));
    BOOST_REQUIRE_MESSAGE(answer.registry.success(), answer.registry.codes());
    return answer;
  }
  // Every version of a document, whatever its status.
  QueryAnswer versions(const std::string& unique_id) {
    return query(sq::kGetDocuments, {{"$XDSDocumentEntryUniqueId", {quoted(unique_id)}}});
  }
  std::vector<std::string> find_documents(const std::vector<std::string>& statuses,
                                          const std::string& patient = kTestPatient) {
    std::string list = "(";
    for (std::size_t i = 0; i < statuses.size(); ++i) {
      list += (i ? ",'" : "'") + statuses[i] + "'";
    }
    list += ")";
    return query(sq::kFindDocuments,
                 {{"$XDSDocumentEntryPatientId", {"'" + patient + "'"}},
                  {"$XDSDocumentEntryStatus", {list}}},
                 "ObjectRef")
        .ids();
  }
};

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

const QueryObject* object_with_id(const QueryAnswer& answer, const std::string& id) {
  for (const auto& object : answer.objects) {
    if (object.id == id) return &object;
  }
  return nullptr;
}

void expect_refused(Gateway& gateway, const registry::SubmitObjectsRequest& request,
                    const std::string& code, const std::string& location = "") {
  const auto before = gateway.counts();
  const auto answer = gateway.update(request);
  BOOST_TEST(!answer.success());
  BOOST_TEST_REQUIRE(answer.errors.size() >= 1u);
  BOOST_TEST(answer.errors.front().code == code, answer.codes());
  if (!location.empty()) BOOST_TEST(answer.errors.front().location == location);
  const auto after = gateway.counts();
  BOOST_TEST(after.objects == before.objects);
  BOOST_TEST(after.documents == before.documents);
}

void edit_title(registry::RegistryObject& object, const std::string& title) {
  object.name = {{title, "fr-FR", "UTF-8"}};
}

std::string slot_value(const std::string& xml, const std::string& object_id,
                       const std::string& slot) {
  const auto at = xml.find("id=\"" + object_id + "\"");
  if (at == std::string::npos) return "";
  const std::regex pattern("<[a-z0-9]*:?Slot name=\"" + slot +
                           "\">\\s*<[a-z0-9]*:?ValueList>\\s*<[a-z0-9]*:?Value>([^<]*)<");
  std::smatch match;
  const std::string tail = xml.substr(at);
  if (!std::regex_search(tail, match, pattern)) return "";
  return match[1];
}

// GetRelatedDocuments parameters: what relates to `document` through APND.
std::vector<QueryParameter> appended_to(const std::string& document) {
  return {{"$XDSDocumentEntryEntryUUID", {"'" + document + "'"}},
          {"$AssociationTypes", {"('" + std::string(vocab::kAppend) + "')"}}};
}

// The entryUUID of the APND association that ends at `document`.
std::string append_association(Gateway& gateway, const std::string& document) {
  const auto found = gateway.query(sq::kGetAssociations, {{"$uuid", {quoted(document)}}});
  for (const auto& a : found.objects) {
    if (a.association_type == vocab::kAppend && a.target == document) return a.id;
  }
  BOOST_FAIL("no APND association ends at " + document);
  return "";
}

}  // namespace

// ---- ITI-57: new versions -------------------------------------------------

BOOST_AUTO_TEST_CASE(document_entry_update_makes_version_2_and_deprecates_version_1) {
  Gateway gateway;
  const auto lot = gateway.registered();
  auto request = update_set(two_document_metadata(), gateway.next_salt());
  const auto v2 = add_new_version(request, lot.metadata, lot.doc1, lot.doc1, "1",
                                  [](auto& object) { edit_title(object, "Titre corrigé"); });
  const auto answer = gateway.update(request);
  BOOST_REQUIRE_MESSAGE(answer.success(), answer.codes());

  const auto versions = gateway.versions(lot.doc1_unique_id);
  BOOST_TEST_REQUIRE(versions.objects.size() == 2u);
  BOOST_TEST(object_with_id(versions, lot.doc1)->status == kDeprecated);
  BOOST_TEST(object_with_id(versions, v2)->status == kApproved);
  BOOST_TEST(versions.xml.find("versionName=\"2\"") != std::string::npos);
  BOOST_TEST(versions.xml.find("lid=\"" + lot.doc1 + "\"") != std::string::npos);
  BOOST_TEST(versions.xml.find("Titre corrigé") != std::string::npos);

  const auto approved = gateway.find_documents({kApproved});
  BOOST_TEST(contains(approved, v2));
  BOOST_TEST(!contains(approved, lot.doc1));
  BOOST_TEST(contains(approved, lot.doc2));
}

BOOST_AUTO_TEST_CASE(confidentiality_change_is_a_new_version) {
  // R-CHG-1: masking to professionals is an update of confidentialityCode.
  Gateway gateway;
  const auto lot = gateway.registered();
  auto request = update_set(two_document_metadata(), gateway.next_salt());
  const auto v2 = add_new_version(request, lot.metadata, lot.doc2, lot.doc2, "1",
                                  [](auto& object) { add_masque_ps(object); });
  const auto answer = gateway.update(request);
  BOOST_REQUIRE_MESSAGE(answer.success(), answer.codes());
  const auto masked = gateway.query(
      sq::kFindDocuments,
      {{"$XDSDocumentEntryPatientId", {"'" + std::string(kTestPatient) + "'"}},
       {"$XDSDocumentEntryStatus", {quoted(kApproved)}},
       {"$XDSDocumentEntryConfidentialityCode", {"('MASQUE_PS^^1.2.250.1.213.1.1.4.13')"}}},
      "ObjectRef");
  BOOST_TEST(masked.ids() == std::vector<std::string>{v2});
}

BOOST_AUTO_TEST_CASE(previous_version_must_be_the_latest) {
  Gateway gateway;
  const auto lot = gateway.registered();
  auto wrong = update_set(two_document_metadata(), gateway.next_salt());
  add_new_version(wrong, lot.metadata, lot.doc1, lot.doc1, "2");
  expect_refused(gateway, wrong, "XDSMetadataVersionError");

  auto first = update_set(two_document_metadata(), gateway.next_salt());
  add_new_version(first, lot.metadata, lot.doc1, lot.doc1, "1");
  BOOST_REQUIRE(gateway.update(first).success());
  // Version 1 is no longer the latest: neither updated again nor re-statused.
  auto stale = update_set(two_document_metadata(), gateway.next_salt());
  add_new_version(stale, lot.metadata, lot.doc1, lot.doc1, "1");
  expect_refused(gateway, stale, "XDSMetadataVersionError");
  auto status = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(status, lot.doc1, kDeprecated, kApproved);
  expect_refused(gateway, status, "XDSMetadataUpdateError");
}

// NIST 15800b: PreviousVersion names a version of no registered object.
BOOST_AUTO_TEST_CASE(unknown_logical_id_is_a_version_error) {
  Gateway gateway;
  const auto lot = gateway.registered();
  auto request = update_set(two_document_metadata(), gateway.next_salt());
  const auto unknown = registry::new_uuid_urn();
  const auto v2 = add_new_version(request, lot.metadata, lot.doc1, unknown, "1");
  expect_refused(gateway, request, "XDSMetadataVersionError", v2);
}

// NIST 20000b: an initial version (no lid, or lid = entryUUID) is no update.
BOOST_AUTO_TEST_CASE(an_initial_version_in_an_update_is_an_update_error) {
  Gateway gateway;
  const auto lot = gateway.registered();
  for (const bool lid_is_own_id : {false, true}) {
    auto request = update_set(two_document_metadata(), gateway.next_salt());
    const auto v2 = add_new_version(request, lot.metadata, lot.doc1, lot.doc1, "1");
    for (auto& object : request.objects) {
      if (object.id == v2) object.lid = lid_is_own_id ? v2 : "";
    }
    expect_refused(gateway, request, "XDSMetadataUpdateError", v2);
  }
}

BOOST_AUTO_TEST_CASE(immutable_attributes_cannot_change) {
  Gateway gateway;
  const auto lot = gateway.registered();
  auto unique_id = update_set(two_document_metadata(), gateway.next_salt());
  add_new_version(unique_id, lot.metadata, lot.doc1, lot.doc1, "1", [](auto& object) {
    for (auto& identifier : object.external_identifiers) {
      if (identifier.identification_scheme == vocab::kDocUniqueId) identifier.value += ".9";
    }
  });
  expect_refused(gateway, unique_id, "XDSMetadataIdentifierError");

  // Registered through ITI-42, the bytes are elsewhere: the source may
  // correct the hash it declared (NIST 15801).
  auto hash = update_set(two_document_metadata(), gateway.next_salt());
  add_new_version(hash, lot.metadata, lot.doc2, lot.doc2, "1", [](auto& object) {
    set_slot_values(object, "hash", {"0000000000000000000000000000000000000000"});
  });
  const auto corrected = gateway.update(hash);
  BOOST_TEST(corrected.success(), corrected.codes());
}

BOOST_AUTO_TEST_CASE(one_update_per_logical_id_per_request) {
  Gateway gateway;
  const auto lot = gateway.registered();
  auto request = update_set(two_document_metadata(), gateway.next_salt());
  add_new_version(request, lot.metadata, lot.doc1, lot.doc1, "1");
  add_new_version(request, lot.metadata, lot.doc1, lot.doc1, "1");
  const auto before = gateway.counts();
  const auto answer = gateway.update(request);
  BOOST_TEST(!answer.success());
  // NIST 20007 expects both: the uniqueId twice, the logicalId updated twice.
  BOOST_TEST(answer.codes().find("XDSRegistryDuplicateUniqueIdInMessage") != std::string::npos,
             answer.codes());
  BOOST_TEST(answer.codes().find("XDSMetadataUpdateOperationError") != std::string::npos,
             answer.codes());
  BOOST_TEST(gateway.counts().objects == before.objects);
}

BOOST_AUTO_TEST_CASE(malformed_update_operations_are_operation_errors) {
  Gateway gateway;
  const auto lot = gateway.registered();
  for (const auto& [slot, value] :
       std::vector<std::pair<std::string, std::string>>{{"PreviousVersion", "one"},
                                                        {"PreviousVersion", "0"},
                                                        {"AssociationPropagation", "maybe"}}) {
    auto request = update_set(two_document_metadata(), gateway.next_salt());
    add_new_version(request, lot.metadata, lot.doc1, lot.doc1, "1");
    set_slot_values(request.objects.back(), slot, {value});
    expect_refused(gateway, request, "XDSMetadataUpdateOperationError");
  }
  // A new object (no PreviousVersion) does not go through ITI-57.
  auto original = update_set(two_document_metadata(), gateway.next_salt());
  add_new_version(original, lot.metadata, lot.doc1, lot.doc1, "1");
  auto& member = original.objects.back();
  member.slots.erase(std::remove_if(member.slots.begin(), member.slots.end(),
                                    [](const auto& s) { return s.name == "PreviousVersion"; }),
                     member.slots.end());
  expect_refused(gateway, original, "XDSMetadataUpdateOperationError");
  // An empty update.
  expect_refused(gateway, update_set(two_document_metadata(), gateway.next_salt()),
                 "XDSMetadataUpdateOperationError");
}

BOOST_AUTO_TEST_CASE(original_submissions_carry_no_update_semantics) {
  Gateway gateway;
  auto with_lid = gateway.lot([](const Lot& lot) {
    return replace_all(lot.metadata, "id=\"" + lot.doc1 + "\"",
                       "id=\"" + lot.doc1 + "\" lid=\"" + registry::new_uuid_urn() + "\"");
  });
  const auto before = gateway.counts();
  auto answer = gateway.register_lot(with_lid);
  BOOST_TEST(answer.codes() == "XDSRegistryMetadataError");
  BOOST_TEST(answer.errors.front().location == with_lid.doc1);
  BOOST_TEST(gateway.counts().objects == before.objects);
}

// ---- ITI-57: availability status ------------------------------------------

BOOST_AUTO_TEST_CASE(approved_deprecated_and_back) {
  Gateway gateway;
  const auto lot = gateway.registered();
  auto deprecate = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(deprecate, lot.doc1, kApproved, kDeprecated);
  BOOST_REQUIRE(gateway.update(deprecate).success());
  BOOST_TEST(gateway.versions(lot.doc1_unique_id).objects.front().status == kDeprecated);
  auto approve = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(approve, lot.doc1, kDeprecated, kApproved);
  BOOST_REQUIRE(gateway.update(approve).success());
  BOOST_TEST(gateway.versions(lot.doc1_unique_id).objects.front().status == kApproved);

  // OriginalStatus must be the current one.
  auto stale = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(stale, lot.doc1, kDeprecated, kApproved);
  expect_refused(gateway, stale, "XDSMetadataUpdateError");
  // A SubmissionSet has no status to change (NIST 21001).
  auto set = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(set, lot.set, kApproved, kDeprecated);
  expect_refused(gateway, set, "XDSMetadataUpdateOperationError");
}

BOOST_AUTO_TEST_CASE(archived_documents_leave_default_queries_and_come_back) {
  // R-CHG-3 in the dmp profile.
  Gateway gateway;
  const auto lot = gateway.registered();
  auto archive = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(archive, lot.doc1, kApproved, kArchived);
  BOOST_REQUIRE(gateway.update(archive).success());
  BOOST_TEST(!contains(gateway.find_documents({kApproved}), lot.doc1));
  BOOST_TEST(contains(gateway.find_documents({kArchived}), lot.doc1));

  // Archived → Deprecated is not a DMP transition.
  auto wrong = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(wrong, lot.doc1, kArchived, kDeprecated);
  expect_refused(gateway, wrong, "XDSMetadataUpdateOperationError");

  auto unarchive = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(unarchive, lot.doc1, kArchived, kApproved);
  BOOST_REQUIRE(gateway.update(unarchive).success());
  BOOST_TEST(contains(gateway.find_documents({kApproved}), lot.doc1));
}

BOOST_AUTO_TEST_CASE(deleted_documents_are_never_served_again_but_kept) {
  // R-CHG-5: terminal, every version, content kept in storage. The lot is
  // not signed: lot signatures are tested on their own (lot_signature_test).
  auto profile = registry::load_named_profile("dmp");
  profile.lot_signature_required = false;
  Gateway gateway(std::make_shared<const registry::Profile>(std::move(profile)));
  auto metadata = with_fresh_unique_ids(two_document_metadata(), gateway.next_salt());
  const auto doc1 = registry::new_uuid_urn();
  const auto doc2 = registry::new_uuid_urn();
  metadata = with_entry_uuids(metadata, registry::new_uuid_urn(), {doc1, doc2});
  const auto unique_id = document_unique_id(metadata, doc1);
  const std::vector<Part> pdfs = {{doc1, "application/pdf", read_fixture("xds/document01.pdf")},
                                  {doc2, "application/pdf", read_fixture("xds/document02.pdf")}};
  const auto stored = read_registry_answer(
      gateway.post("/xds/repository", provide_and_register_mtom(metadata, pdfs)));
  BOOST_REQUIRE_MESSAGE(stored.success(), stored.codes());
  auto update = update_set(two_document_metadata(), gateway.next_salt());
  // The registry's view of the entry: what the repository added to the lot.
  const auto registry_view = [&](registry::RegistryObject& object) {
    set_slot_values(object, "hash", {sha1_hex(pdfs[0].bytes)});
    set_slot_values(object, "size", {std::to_string(pdfs[0].bytes.size())});
    set_slot_values(object, "repositoryUniqueId", {kTestRepository});
  };
  const auto v2 = add_new_version(update, metadata, doc1, doc1, "1", registry_view);
  const auto updated = gateway.update(update);
  BOOST_REQUIRE_MESSAGE(updated.success(), updated.codes());

  // This repository holds the bytes: their hash and size cannot change.
  for (const auto& [slot, value] : std::vector<std::pair<std::string, std::string>>{
           {"hash", "0000000000000000000000000000000000000000"},
           {"size", "12"},
           {"repositoryUniqueId", "1.2.3.4"}}) {
    auto rehash = update_set(two_document_metadata(), gateway.next_salt());
    add_new_version(rehash, metadata, doc1, doc1, "2", [&](registry::RegistryObject& object) {
      registry_view(object);
      set_slot_values(object, slot, {value});
    });
    expect_refused(gateway, rehash, "UnmodifiableMetadataError");
  }

  const auto contents_before = gateway.counts().contents;
  auto remove = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(remove, v2, kApproved, kDeleted);
  const auto removed = gateway.update(remove);
  BOOST_REQUIRE_MESSAGE(removed.success(), removed.codes());

  BOOST_TEST(gateway.versions(unique_id).objects.empty());
  BOOST_TEST(!contains(gateway.find_documents({kApproved, kDeprecated, kArchived, kDeleted}), v2));
  BOOST_TEST(
      !contains(gateway.find_documents({kApproved, kDeprecated, kArchived, kDeleted}), doc1));
  const auto retrieved = read_retrieve_answer(
      gateway.post("/xds/repository", retrieve_document_set({{kTestRepository, unique_id}})));
  BOOST_TEST(retrieved.documents.empty());
  BOOST_TEST(retrieved.registry.codes() == "XDSDocumentUniqueIdError");
  BOOST_TEST(gateway.counts().contents == contents_before);

  // Deleted is terminal: the entry is unknown to any later update.
  auto revive = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(revive, v2, kDeleted, kApproved);
  expect_refused(gateway, revive, "XDSMetadataUpdateError");
  auto again = update_set(two_document_metadata(), gateway.next_salt());
  add_new_version(again, metadata, doc1, doc1, "2", registry_view);
  expect_refused(gateway, again, "XDSMetadataVersionError");
}

BOOST_AUTO_TEST_CASE(lifecycle_statuses_come_from_the_profile) {
  // The dmp profile without its "lifecycle" section: plain IHE statuses only.
  auto profile = registry::load_named_profile("dmp");
  profile.lifecycle_statuses.clear();
  Gateway gateway(std::make_shared<const registry::Profile>(std::move(profile)));
  const auto lot = gateway.registered();
  for (const auto& status : {kArchived, kDeleted}) {
    auto request = update_set(two_document_metadata(), gateway.next_salt());
    add_status_change(request, lot.doc1, kApproved, status);
    expect_refused(gateway, request, "XDSMetadataUpdateOperationError");
  }
}

// ---- Replacement ------------------------------------------------------------

namespace {

// A lot replacing `target` with its Document01 (RPLC).
std::string replacing(const Lot& lot, const std::string& target, const std::string& type) {
  return replace_all(lot.metadata, "  </rim:RegistryObjectList>",
                     "<rim:Association id=\"rplc1\" associationType=\"" + type +
                         "\" sourceObject=\"" + lot.doc1 + "\" targetObject=\"" + target +
                         "\"/>\n  </rim:RegistryObjectList>");
}

}  // namespace

BOOST_AUTO_TEST_CASE(replacing_a_deprecated_document_is_refused) {
  Gateway gateway;
  const auto original = gateway.registered();
  gateway.registered(
      [&](const Lot& lot) { return replacing(lot, original.doc1, vocab::kReplace); });
  const auto second =
      gateway.lot([&](const Lot& lot) { return replacing(lot, original.doc1, vocab::kReplace); });
  const auto before = gateway.counts();
  const auto answer = gateway.register_lot(second);
  BOOST_TEST(answer.codes() == "XDSRegistryDeprecatedDocumentError");
  BOOST_TEST(gateway.counts().objects == before.objects);
  // Appending to or transforming a Deprecated document is refused alike.
  const auto addendum =
      gateway.lot([&](const Lot& lot) { return replacing(lot, original.doc1, vocab::kAppend); });
  BOOST_TEST(gateway.register_lot(addendum).codes() == "XDSRegistryDeprecatedDocumentError");
}

BOOST_AUTO_TEST_CASE(replacement_deprecates_addenda_and_transforms_cp117) {
  Gateway gateway;
  const auto original = gateway.registered();
  const auto addendum = gateway.registered(
      [&](const Lot& lot) { return replacing(lot, original.doc1, vocab::kAppend); });
  const auto transform = gateway.registered(
      [&](const Lot& lot) { return replacing(lot, original.doc1, vocab::kTransform); });
  const auto replacement = gateway.registered(
      [&](const Lot& lot) { return replacing(lot, original.doc1, vocab::kReplace); });
  BOOST_TEST(gateway.versions(original.doc1_unique_id).objects.front().status == kDeprecated);
  BOOST_TEST(gateway.versions(addendum.doc1_unique_id).objects.front().status == kDeprecated);
  BOOST_TEST(gateway.versions(transform.doc1_unique_id).objects.front().status == kDeprecated);
  BOOST_TEST(gateway.versions(replacement.doc1_unique_id).objects.front().status == kApproved);
  // The other document of the addendum's lot is untouched.
  BOOST_TEST(gateway.versions(addendum.doc2_unique_id).objects.front().status == kApproved);
  // Every entry of the chain stays retrievable by its uniqueId.
  BOOST_TEST(gateway.versions(original.doc1_unique_id).objects.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_replacement_chain_is_walked_with_get_related_documents) {
  // A ← B ← C: every version stays retrievable by its uniqueId, and each hop of
  // the chain is one GetRelatedDocuments (ITI TF-2a §3.18.4.1.2.3.7.10).
  Gateway gateway;
  const auto a = gateway.registered();
  const auto b =
      gateway.registered([&](const Lot& lot) { return replacing(lot, a.doc1, vocab::kReplace); });
  const auto c =
      gateway.registered([&](const Lot& lot) { return replacing(lot, b.doc1, vocab::kReplace); });
  const auto related = [&](const std::string& uuid) {
    return gateway
        .query(sq::kGetRelatedDocuments,
               {{"$XDSDocumentEntryEntryUUID", {"'" + uuid + "'"}},
                {"$AssociationTypes", {"('" + std::string(vocab::kReplace) + "')"}}},
               "ObjectRef")
        .ids();
  };
  const auto around_b = related(b.doc1);
  BOOST_TEST(contains(around_b, a.doc1));
  BOOST_TEST(contains(around_b, c.doc1));
  BOOST_TEST(contains(related(a.doc1), b.doc1));
  BOOST_TEST(!contains(related(a.doc1), c.doc1));
  for (const auto* lot : {&a, &b}) {
    BOOST_TEST(gateway.versions(lot->doc1_unique_id).objects.front().status == kDeprecated);
  }
  BOOST_TEST(gateway.versions(c.doc1_unique_id).objects.front().status == kApproved);
}

BOOST_AUTO_TEST_CASE(replacement_joins_the_folders_of_the_replaced_document) {
  Gateway gateway;
  const auto folder = registry::new_uuid_urn();
  const auto folder_unique_id = "1.2.250.1.999.1.3." + gateway.next_salt();
  const auto original = gateway.registered([&](const Lot& lot) {
    return with_folder(lot.metadata, folder, folder_unique_id, {lot.doc1});
  });
  const auto replacement = gateway.registered(
      [&](const Lot& lot) { return replacing(lot, original.doc1, vocab::kReplace); });
  const auto contents =
      gateway.query(sq::kGetFolderAndContents, {{"$XDSFolderEntryUUID", {quoted(folder)}}});
  BOOST_TEST(object_with_id(contents, replacement.doc1) != nullptr);
  BOOST_TEST(object_with_id(contents, original.doc1) != nullptr);  // still a member, Deprecated
}

// ---- Folders -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(adding_a_document_to_an_existing_folder_updates_it) {
  Gateway gateway;
  const auto folder = registry::new_uuid_urn();
  const auto folder_unique_id = "1.2.250.1.999.1.3." + gateway.next_salt();
  gateway.registered([&](const Lot& lot) {
    return with_folder(lot.metadata, folder, folder_unique_id, {lot.doc1});
  });
  auto folders = gateway.query(sq::kGetFolders, {{"$XDSFolderEntryUUID", {quoted(folder)}}});
  std::string first_time = slot_value(folders.xml, folder, "lastUpdateTime");
  BOOST_TEST_REQUIRE(!first_time.empty());
  // Sleep across a second boundary so the new time differs.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const auto later = gateway.registered([&](const Lot& lot) {
    return replace_all(lot.metadata, "  </rim:RegistryObjectList>",
                       "<rim:Association id=\"join1\" associationType=\"" +
                           std::string(vocab::kHasMember) + "\" sourceObject=\"" + folder +
                           "\" targetObject=\"" + lot.doc2 +
                           "\"/><rim:Association id=\"join2\" associationType=\"" +
                           vocab::kHasMember + "\" sourceObject=\"" + lot.set +
                           "\" targetObject=\"join1\"><rim:Slot name=\"SubmissionSetStatus\">"
                           "<rim:ValueList><rim:Value>Original</rim:Value></rim:ValueList>"
                           "</rim:Slot></rim:Association>\n  </rim:RegistryObjectList>");
  });
  folders = gateway.query(sq::kGetFolders, {{"$XDSFolderEntryUUID", {quoted(folder)}}});
  const auto second_time = slot_value(folders.xml, folder, "lastUpdateTime");
  BOOST_TEST(second_time > first_time);
  const auto contents =
      gateway.query(sq::kGetFolderAndContents, {{"$XDSFolderEntryUUID", {quoted(folder)}}});
  BOOST_TEST(object_with_id(contents, later.doc2) != nullptr);
}

BOOST_AUTO_TEST_CASE(folder_update_propagates_memberships_unless_told_not_to) {
  Gateway gateway;
  const auto folder = registry::new_uuid_urn();
  const auto folder_unique_id = "1.2.250.1.999.1.3." + gateway.next_salt();
  const auto lot = gateway.registered([&](const Lot& lot) {
    return with_folder(lot.metadata, folder, folder_unique_id, {lot.doc1, lot.doc2});
  });
  auto propagate = update_set(two_document_metadata(), gateway.next_salt());
  const auto v2 = add_new_version(propagate, lot.metadata, folder, folder, "1",
                                  [](auto& object) { edit_title(object, "Suivi 2"); });
  BOOST_REQUIRE(gateway.update(propagate).success());
  auto contents = gateway.query(sq::kGetFolderAndContents, {{"$XDSFolderEntryUUID", {quoted(v2)}}});
  BOOST_TEST(object_with_id(contents, lot.doc1) != nullptr);
  BOOST_TEST(object_with_id(contents, lot.doc2) != nullptr);

  auto alone = update_set(two_document_metadata(), gateway.next_salt());
  const auto v3 = add_new_version(alone, lot.metadata, folder, folder, "2", {}, "no");
  BOOST_REQUIRE(gateway.update(alone).success());
  contents = gateway.query(sq::kGetFolderAndContents, {{"$XDSFolderEntryUUID", {quoted(v3)}}});
  BOOST_TEST(object_with_id(contents, lot.doc1) == nullptr);
  BOOST_TEST(contents.count("ExtrinsicObject") == 0u);
}

BOOST_AUTO_TEST_CASE(document_update_keeps_its_folder) {
  Gateway gateway;
  const auto folder = registry::new_uuid_urn();
  const auto lot = gateway.registered([&](const Lot& lot) {
    return with_folder(lot.metadata, folder, "1.2.250.1.999.1.3." + std::to_string(7000),
                       {lot.doc1});
  });
  auto request = update_set(two_document_metadata(), gateway.next_salt());
  const auto v2 = add_new_version(request, lot.metadata, lot.doc1, lot.doc1, "1");
  BOOST_REQUIRE(gateway.update(request).success());
  const auto contents =
      gateway.query(sq::kGetFolderAndContents, {{"$XDSFolderEntryUUID", {quoted(folder)}}});
  BOOST_TEST(object_with_id(contents, v2) != nullptr);
}

// ---- Submit Association and patient changes ----------------------------------

BOOST_AUTO_TEST_CASE(submit_association_links_registered_documents) {
  Gateway gateway;
  const auto first = gateway.registered();
  const auto second = gateway.registered();
  auto request = update_set(two_document_metadata(), gateway.next_salt());
  add_association(request, vocab::kAppend, second.doc1, first.doc1);
  const auto answer = gateway.update(request);
  BOOST_REQUIRE_MESSAGE(answer.success(), answer.codes());
  const auto related =
      gateway.query(sq::kGetRelatedDocuments, appended_to(first.doc1), "ObjectRef");
  BOOST_TEST(contains(related.ids(), second.doc1));

  // The same association again (NIST 20008).
  auto again = update_set(two_document_metadata(), gateway.next_salt());
  add_association(again, vocab::kAppend, second.doc1, first.doc1);
  expect_refused(gateway, again, "XDSMetadataUpdateError");
  // Against a Deprecated object (NIST 21004).
  auto deprecate = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(deprecate, first.doc2, kApproved, kDeprecated);
  BOOST_REQUIRE(gateway.update(deprecate).success());
  auto deprecated = update_set(two_document_metadata(), gateway.next_salt());
  add_association(deprecated, vocab::kAppend, second.doc2, first.doc2);
  expect_refused(gateway, deprecated, "XDSMetadataUpdateError");
  // A replacement is not a Submit Association.
  auto replace = update_set(two_document_metadata(), gateway.next_salt());
  add_association(replace, vocab::kReplace, second.doc2, first.doc1);
  expect_refused(gateway, replace, "XDSMetadataUpdateOperationError");
}

// NIST 20001, 21004: the supplement's trigger, SubmissionSet → association
// of type SubmitAssociation, stands for the set's HasMember.
BOOST_AUTO_TEST_CASE(submit_association_trigger_type_is_read_as_set_membership) {
  constexpr const char* kSubmitAssociation = "urn:ihe:iti:2010:AssociationType:SubmitAssociation";
  Gateway gateway;
  const auto first = gateway.registered();
  const auto second = gateway.registered();
  auto request = update_set(two_document_metadata(), gateway.next_salt());
  add_association(request, vocab::kAppend, second.doc1, first.doc1);
  request.objects.back().association_type = kSubmitAssociation;
  request.objects.back().slots.clear();  // the testkit's trigger has no SubmissionSetStatus
  const auto answer = gateway.update(request);
  BOOST_REQUIRE_MESSAGE(answer.success(), answer.codes());
  const auto related =
      gateway.query(sq::kGetRelatedDocuments, appended_to(first.doc1), "ObjectRef");
  BOOST_TEST(contains(related.ids(), second.doc1));
  // The set's membership is stored as a HasMember, not as the trigger type.
  const std::string appended = append_association(gateway, first.doc1);
  std::vector<std::string> member_types;
  const auto of_appended = gateway.query(sq::kGetAssociations, {{"$uuid", {quoted(appended)}}});
  for (const auto& a : of_appended.objects) {
    if (a.target == appended) member_types.push_back(a.association_type);
  }
  BOOST_TEST(member_types == std::vector<std::string>{vocab::kHasMember});

  // Towards anything but an association of the request it stays unknown.
  auto stray = update_set(two_document_metadata(), gateway.next_salt());
  add_association(stray, vocab::kAppend, second.doc2, first.doc2);
  stray.objects.back().association_type = kSubmitAssociation;
  stray.objects.back().target_object = first.doc2;
  expect_refused(gateway, stray, "XDSRegistryMetadataError");
}

// NIST 20001: GetRelatedDocuments follows Approved associations unless
// $XDSAssociationStatus asks for others.
BOOST_AUTO_TEST_CASE(a_deprecated_relationship_relates_only_when_asked) {
  Gateway gateway;
  const auto first = gateway.registered();
  const auto second = gateway.registered();
  auto link = update_set(two_document_metadata(), gateway.next_salt());
  add_association(link, vocab::kAppend, second.doc1, first.doc1);
  BOOST_REQUIRE(gateway.update(link).success());
  const std::string appended = append_association(gateway, first.doc1);
  auto deprecate = update_set(two_document_metadata(), gateway.next_salt());
  add_status_change(deprecate, appended, kApproved, kDeprecated);
  const auto deprecated = gateway.update(deprecate);
  BOOST_REQUIRE_MESSAGE(deprecated.success(), deprecated.codes());

  const auto related_to_first = appended_to(first.doc1);
  BOOST_TEST(gateway.query(sq::kGetRelatedDocuments, related_to_first).objects.empty());
  auto asked = related_to_first;
  asked.push_back({"$XDSAssociationStatus", {"('" + kDeprecated + "','" + kApproved + "')"}});
  asked.push_back({"$MetadataLevel", {"2"}});
  const auto with_deprecated = gateway.query(sq::kGetRelatedDocuments, asked, "ObjectRef");
  BOOST_TEST(contains(with_deprecated.ids(), second.doc1));
  BOOST_TEST(contains(with_deprecated.ids(), appended));
}

BOOST_AUTO_TEST_CASE(patient_changes_only_for_unconnected_objects) {
  Gateway gateway;
  store::RecordStore(*gateway.pool)
      .create({kOtherPatient, "MARTIN", "Paul", "1980-01-01", "M", "", "", "", ""});
  const auto mine = gateway.registered();
  // Associations between patients (NIST 20100a).
  const auto theirs = gateway.registered(
      [](const Lot& lot) { return replace_all(lot.metadata, kTestPatientXml, kOtherPatientXml); });
  auto cross = update_set(two_document_metadata(), gateway.next_salt());
  add_association(cross, vocab::kAppend, theirs.doc1, mine.doc1);
  expect_refused(gateway, cross, "XDSPatientIDReconciliationError");

  // An unconnected entry moves to the other patient (NIST 21002).
  const auto other_set_metadata =
      replace_all(two_document_metadata(), kTestPatientXml, kOtherPatientXml);
  auto move = update_set(other_set_metadata, gateway.next_salt());
  const auto moved =
      add_new_version(move, replace_all(mine.metadata, kTestPatientXml, kOtherPatientXml),
                      mine.doc2, mine.doc2, "1");
  const auto answer = gateway.update(move);
  BOOST_REQUIRE_MESSAGE(answer.success(), answer.codes());
  BOOST_TEST(contains(gateway.find_documents({kApproved}, kOtherPatient), moved));

  // An entry in a folder stays with its patient.
  const auto folder = registry::new_uuid_urn();
  const auto filed = gateway.registered([&](const Lot& lot) {
    return with_folder(lot.metadata, folder, "1.2.250.1.999.1.3." + gateway.next_salt(),
                       {lot.doc1});
  });
  auto stuck = update_set(other_set_metadata, gateway.next_salt());
  add_new_version(stuck, replace_all(filed.metadata, kTestPatientXml, kOtherPatientXml), filed.doc1,
                  filed.doc1, "1");
  expect_refused(gateway, stuck, "XDSPatientIDReconciliationError");
}
