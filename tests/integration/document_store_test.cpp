#define BOOST_TEST_MODULE document_store
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.
#include <openssl/evp.h>

#include <array>
#include <barrier>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/identifiers.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "pg_cluster.hpp"

namespace {

namespace store = passerelle::store;
namespace registry = passerelle::registry;
namespace vocab = passerelle::registry::vocab;
namespace xds_codes = passerelle::xds_codes;
using passerelle::testing::ThrowawayDatabase;

struct XmlRuntime {
  passerelle::xml::Runtime runtime;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in.good(), "cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string fixture_path(const std::string& name) {
  return std::string(PASSERELLE_SOURCE_DIR) + "/tests/fixtures/xds/" + name;
}

// The ITI-41 fixture, parsed once, symbolic ids as sent.
const registry::SubmitObjectsRequest& fixture_request() {
  static const registry::SubmitObjectsRequest request = [] {
    const auto bytes = read_file(fixture_path("provide_and_register_two_docs.xml"));
    const auto document = passerelle::xml::parse(bytes);
    return registry::parse_submit_objects(document.root());
  }();
  return request;
}

std::string sha1_hex(const std::string& bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  BOOST_REQUIRE(
      EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha1(), nullptr) == 1);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

// Deterministic bytes of every value, not a multiple of the chunk size.
std::string big_content(std::size_t size, std::uint32_t seed) {
  std::string out(size, '\0');
  std::uint32_t state = seed;
  for (auto& c : out) {
    state = state * 1664525u + 1013904223u;
    c = static_cast<char>(state >> 24);
  }
  return out;
}

// Content delivered in pieces of `piece` bytes; throws once `fail_after`
// bytes have gone out, as a transport that breaks mid-document would.
registry::DocumentContent make_content(std::string bytes, std::size_t piece = 300 * 1024,
                                       std::optional<std::size_t> fail_after = std::nullopt,
                                       bool fail_with_failure = false) {
  auto shared = std::make_shared<const std::string>(std::move(bytes));
  registry::DocumentContent content;
  content.mime_type = "application/pdf";
  content.size = shared->size();
  content.sha1_hex = sha1_hex(*shared);
  content.read = [shared, piece, fail_after,
                  fail_with_failure](const std::function<void(std::string_view)>& sink) {
    std::size_t sent = 0;
    while (sent < shared->size()) {
      if (fail_after && sent >= *fail_after) {
        if (fail_with_failure) {
          throw passerelle::Failure(xds_codes::kRepositoryError, "part", "client went away");
        }
        throw std::runtime_error("connection reset while reading the document");
      }
      const auto take = std::min(piece, shared->size() - sent);
      sink(std::string_view(*shared).substr(sent, take));
      sent += take;
    }
  };
  return content;
}

void set_slot(registry::RegistryObject& object, const std::string& name, const std::string& value) {
  for (auto& slot : object.slots) {
    if (slot.name == name) {
      slot.values = {value};
      return;
    }
  }
  object.slots.push_back(registry::Slot{name, "", {value}});
}

void set_identifier(registry::RegistryObject& object, const char* scheme,
                    const std::string& value) {
  for (auto& identifier : object.external_identifiers) {
    if (identifier.identification_scheme == scheme) {
      identifier.value = value;
      return;
    }
  }
  BOOST_FAIL("no external identifier " << scheme << " on " << object.id);
}

registry::RegistryObject& object_named(registry::SubmitObjectsRequest& request,
                                       const std::string& id) {
  for (auto& object : request.objects) {
    if (object.id == id) return object;
  }
  BOOST_FAIL("no object " << id << " in the fixture");
  throw std::logic_error("unreachable");
}

constexpr const char* kRepository = "1.2.250.1.999.7.1";

struct LotSpec {
  std::string set_unique_id = "1.2.250.1.999.1.2.20240503.1";
  std::array<std::string, 2> unique_ids = {"1.2.250.1.999.1.1.20240502.1",
                                           "1.2.250.1.999.1.1.20240503.1"};
  std::array<registry::DocumentContent, 2> contents;
  bool with_content = true;
  std::vector<std::string> deprecate;
};

// A lot as the transactions layer hands it over: UUIDs assigned, status
// Approved, repository slots filled.
struct TestLot {
  registry::SubmitObjectsRequest request;
  registry::Submission submission;
  store::Lot lot;
  std::map<std::string, std::string> uuids;  // symbolic id → entryUUID

  const std::string& document_uuid(int i) const {
    return uuids.at(i == 0 ? "Document01" : "Document02");
  }
  const std::string& set_uuid() const { return uuids.at("SubmissionSet01"); }
};

std::unique_ptr<TestLot> make_lot(LotSpec spec) {
  auto made = std::make_unique<TestLot>();
  made->request = fixture_request();
  for (int i = 0; i < 2; ++i) {
    auto& document = object_named(made->request, i == 0 ? "Document01" : "Document02");
    set_identifier(document, vocab::kDocUniqueId, spec.unique_ids[i]);
    set_slot(document, "hash", spec.contents[i].sha1_hex);
    set_slot(document, "size", std::to_string(spec.contents[i].size));
    set_slot(document, "repositoryUniqueId", kRepository);
  }
  set_identifier(object_named(made->request, "SubmissionSet01"), vocab::kSetUniqueId,
                 spec.set_unique_id);
  made->uuids = registry::assign_uuids(made->request);
  for (auto& object : made->request.objects) {
    if (object.kind != registry::ObjectKind::Classification) object.status = vocab::kApproved;
  }
  made->submission = registry::read_submission(made->request);
  BOOST_REQUIRE_EQUAL(made->submission.documents.size(), 2u);
  BOOST_REQUIRE_EQUAL(made->submission.submission_sets.size(), 1u);
  made->lot.request = &made->request;
  made->lot.submission = &made->submission;
  if (spec.with_content) {
    for (int i = 0; i < 2; ++i) {
      made->lot.contents.emplace_back(spec.unique_ids[i], std::move(spec.contents[i]));
    }
  }
  made->lot.deprecate = spec.deprecate;
  return made;
}

const std::string& small_pdf() {
  static const std::string bytes = read_file(fixture_path("document01.pdf"));
  return bytes;
}

// 3.5 MiB + 7 bytes: four chunk rows.
const std::string& large_document() {
  static const std::string bytes = big_content(3 * 1024 * 1024 + 512 * 1024 + 7, 42);
  return bytes;
}

LotSpec standard_spec() {
  LotSpec spec;
  spec.contents = {make_content(small_pdf()), make_content(large_document())};
  return spec;
}

// A migrated database of its own per test case.
struct Fixture {
  explicit Fixture(const std::string& name, std::size_t pool_size = 2)
      : uri(ThrowawayDatabase::shared().create_database(name)), pool(uri, pool_size), xds(pool) {
    pqxx::connection connection(uri);
    store::migrate(connection);
  }
  std::string query_one(const std::string& sql) const {
    pqxx::connection connection(uri);
    pqxx::nontransaction tx(connection);
    const auto row = tx.exec1(sql);
    return row[0].is_null() ? "NULL" : row[0].c_str();
  }
  std::string read_content(const std::string& unique_id) {
    std::string out;
    std::size_t calls = 0;
    const bool found = xds.read_content(kRepository, unique_id, [&](std::string_view piece) {
      ++calls;
      out.append(piece);
    });
    BOOST_TEST(found);
    BOOST_TEST(calls == (out.size() + (1024 * 1024) - 1) / (1024 * 1024));
    return out;
  }
  std::string uri;
  store::ConnectionPool pool;
  store::XdsStore xds;
};

auto has_code(const char* code, std::optional<std::string> location = std::nullopt) {
  return [code, location](const passerelle::Failure& failure) {
    BOOST_TEST_MESSAGE(failure.what() << " at " << failure.error().location);
    return failure.error().code == code && (!location || failure.error().location == *location);
  };
}

bool same_counts(const store::XdsStore::Counts& a, const store::XdsStore::Counts& b) {
  return a.objects == b.objects && a.documents == b.documents && a.contents == b.contents &&
         a.content_bytes == b.content_bytes;
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(XmlRuntime);

BOOST_AUTO_TEST_CASE(stores_a_lot_with_its_content) {
  Fixture f("lot_stored");
  const auto made = make_lot(standard_spec());
  f.xds.commit_lot(made->lot);

  const auto counts = f.xds.counts();
  BOOST_TEST(counts.objects == static_cast<std::int64_t>(made->request.objects.size()));
  BOOST_TEST(counts.documents == 2);
  BOOST_TEST(counts.contents == 2);
  BOOST_TEST(counts.content_bytes ==
             static_cast<std::int64_t>(small_pdf().size() + large_document().size()));

  // Content comes back byte for byte, the large one in 1 MiB chunks.
  BOOST_TEST(f.read_content("1.2.250.1.999.1.1.20240502.1") == small_pdf());
  BOOST_TEST((f.read_content("1.2.250.1.999.1.1.20240503.1") == large_document()));
  BOOST_TEST(f.query_one("SELECT count(*) FROM content_chunks c JOIN contents USING (content_id) "
                         "WHERE unique_id = '1.2.250.1.999.1.1.20240503.1'") == "4");
  BOOST_TEST(f.query_one("SELECT max(octet_length(data)) FROM content_chunks") ==
             std::to_string(1024 * 1024));
  BOOST_TEST(f.query_one("SELECT attstorage FROM pg_attribute WHERE attrelid = "
                         "'content_chunks'::regclass AND attname = 'data'") == "e");
  BOOST_TEST(!f.xds.read_content(kRepository, "1.2.3.4.404", [](std::string_view) {}));
  BOOST_TEST(
      !f.xds.read_content("1.2.3.4.5", "1.2.250.1.999.1.1.20240502.1", [](std::string_view) {}));

  // Typed columns for the stored queries.
  const auto doc1 = quoted(made->document_uuid(0));
  BOOST_TEST(f.query_one("SELECT class_code || '|' || class_code_scheme FROM document_entries "
                         "WHERE entry_uuid = " +
                         doc1) == "10|1.2.250.1.213.1.1.4.1");
  BOOST_TEST(f.query_one("SELECT format_code FROM document_entries WHERE entry_uuid = " + doc1) ==
             "urn:ihe:iti:xds-sd:pdf:2008");
  BOOST_TEST(f.query_one("SELECT creation_time || service_start_time || service_stop_time FROM "
                         "document_entries WHERE entry_uuid = " +
                         doc1) == "202405020915002024050208000020240502084500");
  BOOST_TEST(f.query_one("SELECT patient_id || availability || size || repository_unique_id "
                         "FROM document_entries WHERE entry_uuid = " +
                         doc1) ==
             "1234567890123^^^&1.2.250.1.213.1.4.10&ISO^NHstable172" + std::string(kRepository));
  BOOST_TEST(f.query_one("SELECT count(*) FROM document_entries WHERE author_persons @> "
                         "ARRAY['801234567890^DUPONT^Jean^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^"
                         "IDNPS']") == "2");
  BOOST_TEST(f.query_one("SELECT count(*) FROM object_codes WHERE attribute = "
                         "'confidentialityCode' AND code = 'N' AND scheme = "
                         "'2.16.840.1.113883.5.25'") == "2");
  BOOST_TEST(f.query_one("SELECT unique_id || '|' || source_id || '|' || submission_time FROM "
                         "submission_sets") ==
             "1.2.250.1.999.1.2.20240503.1|1.2.250.1.999.1|20240503120000");
  BOOST_TEST(
      f.query_one("SELECT count(*) FROM associations WHERE source = " + quoted(made->set_uuid()) +
                  " AND submission_set_status = 'Original'") == "2");

  const auto documents = f.xds.find_documents_by_unique_id(
      {"1.2.250.1.999.1.1.20240503.1", "1.2.250.1.999.1.1.20240502.1", "1.2.3.404"});
  BOOST_REQUIRE_EQUAL(documents.size(), 2u);
  BOOST_TEST(documents[0].unique_id == "1.2.250.1.999.1.1.20240502.1");
  BOOST_TEST(documents[0].entry_uuid == made->document_uuid(0));
  BOOST_TEST(documents[0].hash == "2b3b05e0ae55d229dbee5d49cf83fd4e3bb69358");
  BOOST_TEST(documents[0].size == small_pdf().size());
  BOOST_TEST(documents[0].status == vocab::kApproved);
  BOOST_TEST(documents[0].mime_type == "application/pdf");
  BOOST_TEST(documents[0].repository_unique_id == kRepository);
  BOOST_TEST(documents[0].patient_id == "1234567890123^^^&1.2.250.1.213.1.4.10&ISO^NH");
  BOOST_TEST(documents[0].has_content);
  BOOST_TEST(documents[1].size == large_document().size());

  const auto objects =
      f.xds.find_objects({made->set_uuid(), "urn:uuid:00000000-0000-4000-8000-000000000000",
                          made->document_uuid(1), made->uuids.at("as01")});
  BOOST_REQUIRE_EQUAL(objects.size(), 3u);
  BOOST_TEST(objects[0].kind == "SubmissionSet");
  BOOST_TEST(objects[0].patient_id == "1234567890123^^^&1.2.250.1.213.1.4.10&ISO^NH");
  BOOST_TEST(objects[1].kind == "DocumentEntry");
  BOOST_TEST(objects[1].status == vocab::kApproved);
  BOOST_TEST(objects[2].kind == "Association");
  BOOST_TEST(objects[2].patient_id == "");

  // Objects come back as registered.
  std::vector<std::string> all;
  for (const auto& object : made->request.objects) all.push_back(object.id);
  const auto loaded = f.xds.load_objects(all);
  BOOST_REQUIRE_EQUAL(loaded.size(), made->request.objects.size());
  for (std::size_t i = 0; i < loaded.size(); ++i) {
    BOOST_TEST((loaded[i] == made->request.objects[i]), "object " << all[i] << " round-trips");
  }
}

BOOST_AUTO_TEST_CASE(metadata_only_lot) {
  Fixture f("lot_metadata_only");
  auto spec = standard_spec();
  spec.with_content = false;
  const auto made = make_lot(std::move(spec));
  f.xds.commit_lot(made->lot);
  BOOST_TEST(f.xds.counts().documents == 2);
  BOOST_TEST(f.xds.counts().contents == 0);
  const auto documents = f.xds.find_documents_by_unique_id({"1.2.250.1.999.1.1.20240502.1"});
  BOOST_REQUIRE_EQUAL(documents.size(), 1u);
  BOOST_TEST(!documents[0].has_content);
}

BOOST_AUTO_TEST_CASE(resubmission_with_the_same_hash_is_accepted_once) {
  Fixture f("lot_resubmitted");
  const auto first = make_lot(standard_spec());
  f.xds.commit_lot(first->lot);
  const auto before = f.xds.counts();

  auto spec = standard_spec();
  spec.set_unique_id = "1.2.250.1.999.1.2.20240504.1";
  const auto again = make_lot(std::move(spec));
  BOOST_CHECK_NO_THROW(f.xds.commit_lot(again->lot));

  const auto after = f.xds.counts();
  BOOST_TEST(after.documents == 2);
  BOOST_TEST(after.contents == 2);
  BOOST_TEST(after.content_bytes == before.content_bytes);
  // The new set, its classification and its two associations; no document.
  BOOST_TEST(after.objects == before.objects + 4);
  BOOST_TEST(f.xds.find_objects({again->document_uuid(0), again->document_uuid(1)}).empty());
  // The new set's HasMember associations point at the registered documents.
  BOOST_TEST(f.query_one("SELECT string_agg(target, ',' ORDER BY target) FROM associations "
                         "WHERE source = " +
                         quoted(again->set_uuid())) ==
             std::min(first->document_uuid(0), first->document_uuid(1)) + "," +
                 std::max(first->document_uuid(0), first->document_uuid(1)));
  const auto association = f.xds.load_objects({again->uuids.at("as01")});
  BOOST_REQUIRE_EQUAL(association.size(), 1u);
  BOOST_TEST(association[0].target_object == first->document_uuid(0));
  BOOST_TEST(f.read_content("1.2.250.1.999.1.1.20240502.1") == small_pdf());
}

BOOST_AUTO_TEST_CASE(another_hash_for_a_registered_unique_id_is_refused) {
  Fixture f("lot_other_hash");
  f.xds.commit_lot(make_lot(standard_spec())->lot);
  const auto before = f.xds.counts();

  LotSpec spec;
  spec.set_unique_id = "1.2.250.1.999.1.2.20240504.1";
  spec.unique_ids[1] = "1.2.250.1.999.1.1.20240504.2";  // new: would be stored if accepted
  spec.contents = {make_content(small_pdf() + "tampered"), make_content(large_document())};
  const auto other = make_lot(std::move(spec));
  BOOST_CHECK_EXCEPTION(f.xds.commit_lot(other->lot), passerelle::Failure,
                        has_code(xds_codes::kNonIdenticalHash, other->document_uuid(0)));
  BOOST_TEST(same_counts(f.xds.counts(), before));
  BOOST_TEST(f.read_content("1.2.250.1.999.1.1.20240502.1") == small_pdf());
}

BOOST_AUTO_TEST_CASE(a_registered_submission_set_unique_id_is_refused) {
  Fixture f("lot_duplicate_set");
  f.xds.commit_lot(make_lot(standard_spec())->lot);
  const auto before = f.xds.counts();

  auto spec = standard_spec();
  spec.unique_ids = {"1.2.250.1.999.1.1.20240505.1", "1.2.250.1.999.1.1.20240505.2"};
  const auto duplicate = make_lot(std::move(spec));
  BOOST_CHECK_EXCEPTION(f.xds.commit_lot(duplicate->lot), passerelle::Failure,
                        has_code(xds_codes::kDuplicateUniqueIdInRegistry, duplicate->set_uuid()));
  BOOST_TEST(same_counts(f.xds.counts(), before));
  BOOST_TEST(f.xds.find_documents_by_unique_id({"1.2.250.1.999.1.1.20240505.1"}).empty());
}

BOOST_AUTO_TEST_CASE(a_failure_mid_lot_stores_nothing) {
  Fixture f("lot_failure_mid_lot");
  const store::XdsStore::Counts empty;

  // The transport breaks after 2 MiB of the large document: two chunk rows
  // were written already in the transaction.
  auto spec = standard_spec();
  spec.contents[1] = make_content(large_document(), 1024 * 1024, 2 * 1024 * 1024);
  const auto broken = make_lot(std::move(spec));
  BOOST_CHECK_EXCEPTION(f.xds.commit_lot(broken->lot), passerelle::Failure,
                        has_code(xds_codes::kRegistryError));
  BOOST_TEST(same_counts(f.xds.counts(), empty));
  BOOST_TEST(f.query_one("SELECT count(*) FROM lots") == "0");

  // A Failure from the content reader comes through as it is.
  auto failing = standard_spec();
  failing.contents[1] = make_content(large_document(), 64 * 1024, 1024 * 1024 + 1, true);
  const auto refused = make_lot(std::move(failing));
  BOOST_CHECK_EXCEPTION(f.xds.commit_lot(refused->lot), passerelle::Failure,
                        has_code(xds_codes::kRepositoryError, "part"));
  BOOST_TEST(same_counts(f.xds.counts(), empty));

  // Content shorter than announced is refused too.
  auto short_spec = standard_spec();
  short_spec.contents[0].size += 1;
  const auto short_lot = make_lot(std::move(short_spec));
  BOOST_CHECK_EXCEPTION(f.xds.commit_lot(short_lot->lot), passerelle::Failure,
                        has_code(xds_codes::kRepositoryError));
  BOOST_TEST(same_counts(f.xds.counts(), empty));

  // The same lot, unbroken, then goes through on the same pool.
  f.xds.commit_lot(make_lot(standard_spec())->lot);
  BOOST_TEST(f.xds.counts().documents == 2);
}

BOOST_AUTO_TEST_CASE(concurrent_lots_with_one_unique_id) {
  constexpr int kRounds = 6;
  for (int round = 0; round < kRounds; ++round) {
    // Even rounds: the same content (both lots succeed, stored once); odd
    // rounds: another hash for Document01 (exactly one lot succeeds).
    const bool same_hash = round % 2 == 0;
    Fixture f("lot_race_" + std::to_string(round), 4);
    std::array<std::unique_ptr<TestLot>, 2> lots;
    for (int i = 0; i < 2; ++i) {
      LotSpec spec;
      spec.set_unique_id = "1.2.250.1.999.1.2.3." + std::to_string(i);
      // The second document differs per lot: the lots overlap on one uniqueId.
      spec.unique_ids[1] = "1.2.250.1.999.1.1.9." + std::to_string(i);
      const std::string first =
          same_hash || i == 0 ? small_pdf() : small_pdf() + " other " + std::to_string(i);
      spec.contents = {make_content(first), make_content(big_content(1536 * 1024, 7 + i))};
      lots[static_cast<std::size_t>(i)] = make_lot(std::move(spec));
    }
    std::barrier start_together(2);
    std::array<std::string, 2> outcome;
    {
      std::vector<std::jthread> threads;
      for (std::size_t i = 0; i < 2; ++i) {
        threads.emplace_back([&, i] {
          start_together.arrive_and_wait();
          try {
            f.xds.commit_lot(lots[i]->lot);
            outcome[i] = "ok";
          } catch (const passerelle::Failure& failure) {
            outcome[i] = failure.error().code;
          } catch (const std::exception& e) {
            outcome[i] = e.what();
          }
        });
      }
    }
    const auto counts = f.xds.counts();
    if (same_hash) {
      BOOST_TEST(outcome[0] == "ok");
      BOOST_TEST(outcome[1] == "ok");
      BOOST_TEST(counts.documents == 3);  // the shared one once
      BOOST_TEST(counts.contents == 3);
    } else {
      const int wins = (outcome[0] == "ok") + (outcome[1] == "ok");
      BOOST_TEST(wins == 1, "round " << round << ": " << outcome[0] << " / " << outcome[1]);
      BOOST_TEST((outcome[0] == xds_codes::kNonIdenticalHash ||
                  outcome[1] == xds_codes::kNonIdenticalHash));
      BOOST_TEST(counts.documents == 2);
      BOOST_TEST(counts.contents == 2);
    }
    BOOST_TEST(f.query_one("SELECT count(*) FROM document_entries WHERE unique_id = "
                           "'1.2.250.1.999.1.1.20240502.1'") == "1");
  }
}

BOOST_AUTO_TEST_CASE(deprecate_list_changes_status) {
  Fixture f("lot_deprecate");
  const auto original = make_lot(standard_spec());
  f.xds.commit_lot(original->lot);

  auto spec = standard_spec();
  spec.set_unique_id = "1.2.250.1.999.1.2.20240506.1";
  spec.unique_ids = {"1.2.250.1.999.1.1.20240506.1", "1.2.250.1.999.1.1.20240506.2"};
  spec.deprecate = {original->document_uuid(0)};
  const auto replacement = make_lot(std::move(spec));
  f.xds.commit_lot(replacement->lot);

  const auto objects = f.xds.find_objects(
      {original->document_uuid(0), original->document_uuid(1), replacement->document_uuid(0)});
  BOOST_REQUIRE_EQUAL(objects.size(), 3u);
  BOOST_TEST(objects[0].status == vocab::kDeprecated);
  BOOST_TEST(objects[1].status == vocab::kApproved);
  BOOST_TEST(objects[2].status == vocab::kApproved);
  const auto documents = f.xds.find_documents_by_unique_id({"1.2.250.1.999.1.1.20240502.1"});
  BOOST_REQUIRE_EQUAL(documents.size(), 1u);
  BOOST_TEST(documents[0].status == vocab::kDeprecated);
  const auto loaded = f.xds.load_objects({original->document_uuid(0)});
  BOOST_REQUIRE_EQUAL(loaded.size(), 1u);
  BOOST_TEST(loaded[0].status == vocab::kDeprecated);

  // Replacing it again: it is no longer Approved, and nothing is stored.
  const auto before = f.xds.counts();
  auto late = standard_spec();
  late.set_unique_id = "1.2.250.1.999.1.2.20240507.1";
  late.unique_ids = {"1.2.250.1.999.1.1.20240507.1", "1.2.250.1.999.1.1.20240507.2"};
  late.deprecate = {original->document_uuid(0)};
  const auto refused = make_lot(std::move(late));
  BOOST_CHECK_EXCEPTION(
      f.xds.commit_lot(refused->lot), passerelle::Failure,
      has_code(xds_codes::kRegistryDeprecatedDocumentError, original->document_uuid(0)));
  BOOST_TEST(same_counts(f.xds.counts(), before));
}
