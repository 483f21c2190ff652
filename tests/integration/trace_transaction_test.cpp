#define BOOST_TEST_MODULE trace_transaction
#include <boost/test/unit_test.hpp>

// R-TRACE-1 "in the same transaction as the change it records" (issue 6,
// docs/policy-enforcement.md): the registry runs the caller's before-commit
// hook inside the transaction that stores an ITI-41/42 lot or an ITI-57
// update, and the gateway hands it the traces of the allowed change. Proven
// on PostgreSQL itself: a trace and the rows of its change carry the same
// xmin (the id of the transaction that wrote them), a hook that throws
// leaves nothing stored, and a lot refused by the registry leaves no trace.

#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include "metadata_update_client.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/transactions.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/signature/xmldsig.hpp"
#include "policy_fixtures.hpp"
#include "runtimes.hpp"
#include "soap_messages.hpp"

using namespace passerelle;
using namespace passerelle::testing;

namespace {

BOOST_TEST_GLOBAL_FIXTURE(XmlAndSignatureRuntimes);

const std::string kPdf1 = read_fixture("xds/document01.pdf");
const std::string kPdf2 = read_fixture("xds/document02.pdf");

std::vector<Part> two_pdfs() {
  return {{"Document01", "application/pdf", kPdf1}, {"Document02", "application/pdf", kPdf2}};
}

// The fixture lot as ITI-42 metadata (the repository's id added), fresh uniqueIds.
std::string registered_metadata(const std::string& salt) {
  return replace_all(
      with_fresh_unique_ids(two_document_metadata(), salt), "</rim:ExtrinsicObject>",
      std::string("<rim:Slot name=\"repositoryUniqueId\"><rim:ValueList><rim:Value>") +
          kTestRepository + "</rim:Value></rim:ValueList></rim:Slot></rim:ExtrinsicObject>");
}

registry::SubmitObjectsRequest parsed(const std::string& metadata) {
  const auto document = xml::parse(metadata);
  return registry::parse_submit_objects(document.root());
}

registry::DocumentContent content_of(const std::string& bytes) {
  registry::DocumentContent content;
  content.mime_type = "application/pdf";
  content.size = bytes.size();
  content.sha1_hex = sha1_hex(bytes);
  content.read = [bytes](const std::function<void(std::string_view)>& sink) { sink(bytes); };
  return content;
}

registry::Registry registry_of(const XdsTestGateway& gateway) {
  registry::RegistryOptions options;
  options.profile = gateway.profile;
  options.repository_unique_id = kTestRepository;
  return registry::Registry(gateway.pool, std::move(options));
}

[[noreturn]] void throwing_hook(pqxx::transaction_base&) {
  throw std::runtime_error("the trace could not be written");
}

void expect_registry_error(const registry::RegistryResponse& response) {
  BOOST_TEST(!response.success);
  BOOST_TEST_REQUIRE(response.errors.size() == 1u);
  BOOST_TEST(response.errors.front().code == "XDSRegistryError");
  BOOST_TEST(response.internal_detail.find("the trace could not be written") != std::string::npos,
             response.internal_detail);
}

void expect_counts(const store::XdsStore::Counts& after, const store::XdsStore::Counts& before) {
  BOOST_TEST(after.objects == before.objects);
  BOOST_TEST(after.documents == before.documents);
  BOOST_TEST(after.contents == before.contents);
  BOOST_TEST(after.content_bytes == before.content_bytes);
}

// The xmin of one row, as text ("" when there is no such row).
std::string xmin_of(store::ConnectionPool& pool, const std::string& sql, const std::string& key) {
  auto lease = pool.acquire();
  pqxx::read_transaction tx(*lease);
  const auto rows = tx.exec_params(sql, key);
  if (rows.size() != 1) return "";
  return rows[0][0].as<std::string>();
}

std::string entry_xmin(store::ConnectionPool& pool, const std::string& entry_uuid) {
  return xmin_of(pool, "SELECT xmin::text FROM registry_objects WHERE entry_uuid = $1", entry_uuid);
}

std::string document_xmin(store::ConnectionPool& pool, const std::string& unique_id) {
  return xmin_of(pool,
                 "SELECT xmin::text FROM registry_objects WHERE unique_id = $1 "
                 "AND kind = 'DocumentEntry'",
                 unique_id);
}

std::string trace_xmin(store::ConnectionPool& pool, std::int64_t trace_id) {
  return xmin_of(pool, "SELECT xmin::text FROM traces WHERE trace_id = $1::bigint",
                 std::to_string(trace_id));
}

std::vector<store::Trace> traces_of(store::ConnectionPool& pool, store::TraceAction action,
                                    const std::string& person) {
  std::vector<store::Trace> out;
  for (auto& trace : all_traces(pool)) {
    if (trace.action == action && trace.actor.id == person) out.push_back(std::move(trace));
  }
  return out;
}

}  // namespace

// ---- registry level: the hook runs inside the change's transaction ----------

// ITI-42: the hook sees the lot it is committed with, which no other
// connection sees yet; a hook that throws rolls the whole lot back.
BOOST_AUTO_TEST_CASE(register_runs_the_hook_inside_the_lot_transaction) {
  XdsTestGateway gateway;
  auto registry = registry_of(gateway);
  const auto metadata = registered_metadata("9101");
  const auto unique_id = document_unique_id(metadata, "Document01");
  long inside = -1;
  std::size_t outside = 99;
  const auto seen =
      registry.register_document_set(parsed(metadata), [&](pqxx::transaction_base& tx) {
        inside = tx.exec_params("SELECT count(*) FROM registry_objects WHERE unique_id = $1",
                                unique_id)[0][0]
                     .as<long>();
        outside = store::XdsStore(*gateway.pool).find_documents_by_unique_id({unique_id}).size();
      });
  BOOST_TEST_REQUIRE(seen.success);
  BOOST_TEST(inside == 1);
  BOOST_TEST(outside == 0u);  // not committed yet

  const auto before = gateway.counts();
  expect_registry_error(
      registry.register_document_set(parsed(registered_metadata("9102")), throwing_hook));
  expect_counts(gateway.counts(), before);
}

// ITI-42: a lot refused inside its own commit transaction runs no hook, so
// its traces are never written. Lot B names Document01's uniqueId with
// another hash while lot A, holding that uniqueId's lock, has not committed:
// B's checks before the commit see nothing, B waits for the lock inside
// commit_lot, then finds A's entry there (XDSNonIdenticalHash).
BOOST_AUTO_TEST_CASE(a_lot_refused_inside_its_commit_runs_no_hook) {
  XdsTestGateway gateway;
  auto first_registry = registry_of(gateway);
  auto second_registry = registry_of(gateway);
  const auto first = registered_metadata("9801");
  const auto fresh = registered_metadata("9802");
  const auto second = replace_all(replace_all(fresh, document_unique_id(fresh, "Document01"),
                                              document_unique_id(first, "Document01")),
                                  "2b3b05e0ae55d229dbee5d49cf83fd4e3bb69358",
                                  "0000000000000000000000000000000000000001");

  std::promise<void> first_in_commit;
  bool second_waited = false;
  bool second_hook_ran = false;
  std::thread first_thread([&] {
    first_registry.register_document_set(parsed(first), [&](pqxx::transaction_base&) {
      first_in_commit.set_value();
      // Hold the lock until the second lot waits for it (at most 30 s).
      pqxx::connection watcher(gateway.uri);
      for (int i = 0; i < 300 && !second_waited; ++i) {
        pqxx::nontransaction look(watcher);
        second_waited = look.exec1(
                                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                "AND NOT granted")[0]
                            .as<long>() > 0;
        if (!second_waited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
  });
  const bool first_reached_commit =
      first_in_commit.get_future().wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  if (!first_reached_commit) first_thread.join();
  BOOST_TEST_REQUIRE(first_reached_commit);
  const auto refused = second_registry.register_document_set(
      parsed(second), [&](pqxx::transaction_base&) { second_hook_ran = true; });
  first_thread.join();

  BOOST_TEST_REQUIRE(second_waited);  // the refusal did come from inside the commit
  BOOST_TEST(!refused.success);
  BOOST_TEST_REQUIRE(refused.errors.size() == 1u);
  BOOST_TEST(refused.errors.front().code == "XDSNonIdenticalHash");
  BOOST_TEST(!second_hook_ran);
  BOOST_TEST(store::XdsStore(*gateway.pool)
                 .find_documents_by_unique_id({document_unique_id(second, "Document02")})
                 .empty());
}

// ITI-41: a throwing hook stores neither the metadata nor the content.
BOOST_AUTO_TEST_CASE(provide_and_register_with_a_throwing_hook_stores_nothing) {
  XdsTestGateway gateway;
  auto registry = registry_of(gateway);
  const auto before = gateway.counts();
  std::vector<registry::ProvidedDocument> documents{{"Document01", content_of(kPdf1)},
                                                    {"Document02", content_of(kPdf2)}};
  expect_registry_error(
      registry.provide_and_register(parsed(with_fresh_unique_ids(two_document_metadata(), "9201")),
                                    std::move(documents), throwing_hook));
  expect_counts(gateway.counts(), before);
  BOOST_TEST(before.objects == 0);

  // Without a hook the same lot goes in: the hook alone refused it.
  std::vector<registry::ProvidedDocument> again{{"Document01", content_of(kPdf1)},
                                                {"Document02", content_of(kPdf2)}};
  BOOST_TEST(
      registry
          .provide_and_register(parsed(with_fresh_unique_ids(two_document_metadata(), "9201")),
                                std::move(again))
          .success);
  BOOST_TEST(gateway.counts().contents == 2);
}

// ITI-57: a throwing hook leaves the status as it was.
BOOST_AUTO_TEST_CASE(update_with_a_throwing_hook_changes_nothing) {
  XdsTestGateway gateway;
  auto registry = registry_of(gateway);
  const auto doc1 = registry::new_uuid_urn();
  const auto metadata = with_entry_uuids(registered_metadata("9301"), registry::new_uuid_urn(),
                                         {doc1, registry::new_uuid_urn()});
  BOOST_TEST_REQUIRE(registry.register_document_set(parsed(metadata)).success);
  const auto status = [&] {
    return store::XdsStore(*gateway.pool).find_objects({doc1}).at(0).status;
  };
  BOOST_TEST_REQUIRE(status() == registry::vocab::kApproved);
  auto update = update_set(metadata, "9302");
  add_status_change(update, doc1, registry::vocab::kApproved, registry::vocab::kDeprecated);
  const auto before = gateway.counts();
  expect_registry_error(registry.update_document_set(update, throwing_hook));
  BOOST_TEST(status() == registry::vocab::kApproved);
  expect_counts(gateway.counts(), before);
  BOOST_TEST(registry.update_document_set(update).success);  // the hook alone refused it
  BOOST_TEST(status() == registry::vocab::kDeprecated);
}

// ---- gateway level: the policy's traces commit with the change --------------

// R-TRACE-1, R-DOC-3: the 'add' traces of an allowed ITI-41 lot are written
// by the lot's own transaction; a lot the registry refuses (a uniqueId
// resubmitted with another hash: XDSNonIdenticalHash) leaves no 'add' trace.
BOOST_AUTO_TEST_CASE(add_traces_commit_with_the_lot) {
  XdsTestGateway gateway(nullptr, with_policy());
  authorise(*gateway.pool, kFixtureAuthor);
  const auto metadata =
      from_callers_structure(with_fresh_unique_ids(two_document_metadata(), "9401"));
  const auto stored = read_registry_answer(gateway.post(
      "/xds/repository",
      with_vihf(provide_and_register_inline(metadata, two_pdfs()), professional(kFixtureAuthor))));
  BOOST_TEST_REQUIRE(stored.success(), stored.codes());
  const auto added = traces_of(*gateway.pool, store::TraceAction::Add, kFixtureAuthor);
  BOOST_TEST_REQUIRE(added.size() == 2u);
  for (const auto& trace : added) {
    BOOST_TEST(trace.allowed);
    const auto unique_id = trace.document_unique_id.value_or("");
    const auto row = document_xmin(*gateway.pool, unique_id);
    BOOST_TEST_REQUIRE(!row.empty(), unique_id);
    BOOST_TEST(trace_xmin(*gateway.pool, trace.id) == row, unique_id);
  }

  // Document01's uniqueId again, with Document02's bytes: another hash
  // (hash and size left for the repository to compute).
  const auto fresh = with_fresh_unique_ids(two_document_metadata(), "9402");
  const auto clash = replace_all(
      without_slot(without_slot(from_callers_structure(fresh), "hash"), "size"),
      document_unique_id(fresh, "Document01"), document_unique_id(metadata, "Document01"));
  const auto before = gateway.counts();
  const auto refused = read_registry_answer(gateway.post(
      "/xds/repository",
      with_vihf(provide_and_register_inline(clash, {{"Document01", "application/pdf", kPdf2},
                                                    {"Document02", "application/pdf", kPdf2}}),
                professional(kFixtureAuthor))));
  BOOST_TEST(!refused.success());
  BOOST_TEST(refused.codes().find("XDSNonIdenticalHash") != std::string::npos, refused.codes());
  expect_counts(gateway.counts(), before);
  BOOST_TEST(traces_of(*gateway.pool, store::TraceAction::Add, kFixtureAuthor).size() == 2u);
}

// R-TRACE-1, R-CHG-5: the 'delete' trace of an allowed ITI-57 is written by
// the transaction that changes the status.
BOOST_AUTO_TEST_CASE(delete_trace_commits_with_the_status_change) {
  XdsTestGateway gateway(nullptr, with_policy());
  authorise(*gateway.pool, kFixtureAuthor);
  const auto doc1 = registry::new_uuid_urn();
  const auto metadata =
      with_entry_uuids(from_callers_structure(registered_metadata("9501")),
                       registry::new_uuid_urn(), {doc1, registry::new_uuid_urn()});
  BOOST_TEST_REQUIRE(
      read_registry_answer(gateway.post("/xds/registry", register_document_set(metadata)))
          .success());
  auto update = update_set(metadata, "9502");
  add_status_change(update, doc1, registry::vocab::kApproved, registry::vocab::kDeleted);
  const auto answer = read_registry_answer(gateway.post(
      "/xds/registry",
      with_vihf(update_document_set(serialize_request(update)), professional(kFixtureAuthor))));
  BOOST_TEST_REQUIRE(answer.success(), answer.codes());
  const auto deleted = traces_of(*gateway.pool, store::TraceAction::Delete, kFixtureAuthor);
  BOOST_TEST_REQUIRE(deleted.size() == 1u);
  BOOST_TEST(deleted.front().allowed);
  const auto row = entry_xmin(*gateway.pool, doc1);
  BOOST_TEST_REQUIRE(!row.empty());
  BOOST_TEST(trace_xmin(*gateway.pool, deleted.front().id) == row);
}
