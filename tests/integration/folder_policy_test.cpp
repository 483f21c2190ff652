#define BOOST_TEST_MODULE folder_policy
#include <boost/test/unit_test.hpp>

// ITI-57 changes of Folders under the access policy (issue 6,
// docs/policy-enforcement.md), over real TLS with signed VIHFs: a Folder new
// version or status change needs the record access of adding documents
// (R-AUTH-*) and is refused in emergency modes (R-AUTH-7, R-CHG); a refused
// change changes nothing and is traced; an allowed one is traced as
// update_metadata in the update's own transaction (R-TRACE-1).

#include "metadata_update_client.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "policy_fixtures.hpp"
#include "runtimes.hpp"

using namespace passerelle;
using namespace passerelle::testing;
namespace vocab = registry::vocab;

namespace {

BOOST_TEST_GLOBAL_FIXTURE(XmlAndSignatureRuntimes);

constexpr const char* kStranger = "810000000003";  // no consent declared
constexpr const char* kFolderUniqueId = "1.2.250.1.999.1.3.9600";

// A gateway with the policy on, the fixture author authorised, and one
// registered lot (no VIHF: seeding) whose Document01 is in a Folder.
struct Filed {
  XdsTestGateway gateway{nullptr, with_policy()};
  std::string folder = registry::new_uuid_urn();
  std::string doc2 = registry::new_uuid_urn();  // registered, not in the Folder
  std::string metadata;

  Filed() {
    authorise(*gateway.pool, kFixtureAuthor);
    const auto doc1 = registry::new_uuid_urn();
    metadata = with_folder(
        with_entry_uuids(
            replace_all(with_fresh_unique_ids(two_document_metadata(), "9601"),
                        "</rim:ExtrinsicObject>",
                        std::string("<rim:Slot name=\"repositoryUniqueId\"><rim:ValueList>"
                                    "<rim:Value>") +
                            kTestRepository +
                            "</rim:Value></rim:ValueList></rim:Slot></rim:ExtrinsicObject>"),
            registry::new_uuid_urn(), {doc1, doc2}),
        folder, kFolderUniqueId, {doc1});
    const auto stored =
        read_registry_answer(gateway.post("/xds/registry", register_document_set(metadata)));
    if (!stored.success()) throw std::runtime_error("seeding failed: " + stored.codes());
  }

  registry::SubmitObjectsRequest new_folder_version(const std::string& salt) const {
    auto update = update_set(metadata, salt);
    add_new_version(update, metadata, folder, folder, "1", [](registry::RegistryObject& object) {
      object.name = {{"Dossier de suivi 2", "fr-FR", "UTF-8"}};
    });
    return update;
  }
  registry::SubmitObjectsRequest deprecate_folder(const std::string& salt) const {
    auto update = update_set(metadata, salt);
    add_status_change(update, folder, vocab::kApproved, vocab::kDeprecated);
    return update;
  }
  RegistryAnswer send(const registry::SubmitObjectsRequest& update, const VihfSpec& caller) const {
    return read_registry_answer(gateway.post(
        "/xds/registry", with_vihf(update_document_set(serialize_request(update)), caller)));
  }
  // The Folder's registered versions (every status).
  std::vector<store::VersionedObject> versions() const {
    return store::XdsStore(*gateway.pool).find_latest_versions({folder});
  }
  std::vector<store::Trace> folder_traces() const {
    std::vector<store::Trace> out;
    for (auto& trace : all_traces(*gateway.pool)) {
      if (trace.action == store::TraceAction::UpdateMetadata) out.push_back(std::move(trace));
    }
    return out;
  }
};

void expect_refused(const Filed& filed, const registry::SubmitObjectsRequest& update,
                    const VihfSpec& caller, const std::string& code, const std::string& location) {
  const auto before = filed.gateway.counts();
  const auto traced = filed.folder_traces().size();
  const auto answer = filed.send(update, caller);
  BOOST_TEST(!answer.success());
  BOOST_TEST_REQUIRE(answer.errors.size() == 1u);
  BOOST_TEST(answer.errors.front().code == code);
  BOOST_TEST(answer.errors.front().location == location);
  const auto after = filed.gateway.counts();
  BOOST_TEST(after.objects == before.objects);
  const auto latest = filed.versions();
  BOOST_TEST_REQUIRE(latest.size() == 1u);
  BOOST_TEST(latest.front().entry_uuid == filed.folder);  // still version 1
  BOOST_TEST(latest.front().status == vocab::kApproved);
  const auto traces = filed.folder_traces();
  BOOST_TEST_REQUIRE(traces.size() == traced + 1);
  const auto& refusal = traces.back();
  BOOST_TEST(!refusal.allowed);
  BOOST_TEST(refusal.reason_code == code);
  BOOST_TEST(refusal.patient_id == kTestPatient);
  BOOST_TEST(refusal.detail.find(kFolderUniqueId) != std::string::npos, refusal.detail);
}

}  // namespace

// R-AUTH-7, R-CHG: no Folder change in emergency, in either mode, even by a
// professional the record would let in.
BOOST_AUTO_TEST_CASE(folder_changes_are_refused_in_emergency) {
  Filed filed;
  expect_refused(filed, filed.new_folder_version("9602"),
                 professional(kFixtureAuthor, "bris_de_glace"), "DMP_CHG_UNAVAILABLE_IN_EMERGENCY",
                 filed.folder);
  expect_refused(filed, filed.deprecate_folder("9603"), professional(kStranger, "centre_15"),
                 "DMP_CHG_UNAVAILABLE_IN_EMERGENCY", filed.folder);
}

// R-AUTH-1: a professional without consent changes no Folder (a refusal of
// the record, not of the Folder: location AccessPolicy, as for documents).
BOOST_AUTO_TEST_CASE(folder_changes_need_the_record_access) {
  Filed filed;
  expect_refused(filed, filed.deprecate_folder("9604"), professional(kStranger),
                 "DMP_AUTH_CONSENT_REQUIRED", "AccessPolicy");
  expect_refused(filed, filed.new_folder_version("9605"), professional(kStranger),
                 "DMP_AUTH_CONSENT_REQUIRED", "AccessPolicy");
}

// An authorised professional's new version and status change go through,
// each traced update_metadata (detail names the Folder) in the transaction
// that made it (R-TRACE-1: same xmin as the Folder's new row).
BOOST_AUTO_TEST_CASE(authorised_folder_changes_are_made_and_traced) {
  Filed filed;
  const auto versioned = filed.send(filed.new_folder_version("9606"), professional(kFixtureAuthor));
  BOOST_TEST_REQUIRE(versioned.success(), versioned.codes());
  const auto latest = filed.versions();
  BOOST_TEST_REQUIRE(latest.size() == 1u);
  BOOST_TEST(latest.front().version == 2);
  auto traces = filed.folder_traces();
  BOOST_TEST_REQUIRE(traces.size() == 1u);
  BOOST_TEST(traces.front().allowed);
  BOOST_TEST(traces.front().actor.id == kFixtureAuthor);
  BOOST_TEST(traces.front().detail == std::string("Folder ") + kFolderUniqueId + ": new version");
  BOOST_TEST(!traces.front().document_unique_id.has_value());
  {
    auto lease = filed.gateway.pool->acquire();
    pqxx::read_transaction tx(*lease);
    const auto same = tx.exec_params(
        "SELECT (SELECT xmin::text FROM traces WHERE trace_id = $1::bigint) = "
        "(SELECT xmin::text FROM registry_objects WHERE entry_uuid = $2)",
        std::to_string(traces.front().id), latest.front().entry_uuid);
    BOOST_TEST(same[0][0].as<bool>());
  }

  auto deprecate = update_set(filed.metadata, "9607");
  add_status_change(deprecate, latest.front().entry_uuid, vocab::kApproved, vocab::kDeprecated);
  const auto deprecated = filed.send(deprecate, professional(kFixtureAuthor));
  BOOST_TEST_REQUIRE(deprecated.success(), deprecated.codes());
  BOOST_TEST(filed.versions().front().status == vocab::kDeprecated);
  traces = filed.folder_traces();
  BOOST_TEST_REQUIRE(traces.size() == 2u);
  BOOST_TEST(traces.back().allowed);
  BOOST_TEST(traces.back().detail ==
             std::string("Folder ") + kFolderUniqueId + ": status Approved -> Deprecated");
}

// A Submit Association between registered objects (the registered Document02
// put in the registered Folder) is decided like a Folder change
// (policy::ChangeAssociation): refused in emergency, located at the
// association, nothing stored, traced; made and traced otherwise.
BOOST_AUTO_TEST_CASE(associations_between_registered_objects_are_decided) {
  Filed filed;
  const auto put_in_folder = [&](const std::string& salt, std::string& association_id) {
    auto update = update_set(filed.metadata, salt);
    add_association(update, vocab::kHasMember, filed.folder, filed.doc2);
    association_id = update.objects.at(update.objects.size() - 2).id;
    return update;
  };
  std::string id;
  const auto before = filed.gateway.counts();
  const auto refused =
      filed.send(put_in_folder("9608", id), professional(kFixtureAuthor, "bris_de_glace"));
  BOOST_TEST(!refused.success());
  BOOST_TEST_REQUIRE(refused.errors.size() == 1u);
  BOOST_TEST(refused.errors.front().code == "DMP_CHG_UNAVAILABLE_IN_EMERGENCY");
  BOOST_TEST(refused.errors.front().location == id);
  BOOST_TEST(filed.gateway.counts().objects == before.objects);
  auto traces = filed.folder_traces();
  BOOST_TEST_REQUIRE(!traces.empty());
  BOOST_TEST(!traces.back().allowed);
  BOOST_TEST(traces.back().detail == "Association " + id + ": new HasMember");

  const auto made = filed.send(put_in_folder("9609", id), professional(kFixtureAuthor));
  BOOST_TEST_REQUIRE(made.success(), made.codes());
  BOOST_TEST(filed.gateway.counts().objects > before.objects);
  traces = filed.folder_traces();
  BOOST_TEST(traces.back().allowed);
  BOOST_TEST(traces.back().detail == "Association " + id + ": new HasMember");
}
