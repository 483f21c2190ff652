// passerelle-load: fills a registry with N synthetic, valid patients and
// document entries through the product's own store (XdsStore::commit_lot),
// for the stored-query benchmark (bench/query_bench.cpp).
//
// Lots are prepared as the registry prepares an ITI-42 lot (metadata only):
// the fixture tests/fixtures/xds/provide_and_register_two_docs.xml is parsed
// once, and each lot is a copy with its own patient, uniqueIds, entryUUIDs
// (registry::assign_uuids), classCode/typeCode pair (DMP type-to-class
// table), times over ten years, authors and status. A sample of lots goes
// through registry::validate_submission with the DMP profile, so the data is
// what the registry accepts. Patient records are created in one statement.
//
// Lot i belongs to patient i % patients: a patient's documents arrive spread
// over the whole load, as they do over the years, instead of side by side.
//
// The load is recorded in table bench_load; run again on a loaded database
// with the same figures, it does nothing.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <sstream>
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
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/store.hpp"
#include "passerelle/registry/validation.hpp"
#include "passerelle/registry/vocabulary.hpp"

namespace {

using namespace passerelle;
using Clock = std::chrono::steady_clock;

// ebRIM classification and identification schemes (ITI TF-3 §4.2.5).
constexpr const char* kClassCode = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
constexpr const char* kTypeCode = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
constexpr const char* kDocumentAuthor = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d";
constexpr const char* kSetAuthor = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d";
constexpr const char* kDocumentPatientId = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
constexpr const char* kDocumentUniqueId = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";
constexpr const char* kSetUniqueId = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";
constexpr const char* kSetPatientId = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446";
constexpr const char* kRepository = "1.2.250.1.999.1.1.1";
constexpr std::int64_t kFirstPatient = 2000000000000;  // 13-digit INS-like ids
constexpr std::size_t kAuthors = 5000;

struct Settings {
  std::filesystem::path data_dir;
  std::string uri;  // instead of data_dir: an existing database
  std::size_t patients = 100000;
  std::size_t documents_per_patient = 10;
  std::size_t threads = 4;
  std::size_t validate_every = 2000;
  std::string shared_buffers = "2GB";
};

std::string patient_id(std::int64_t index) {
  return std::to_string(kFirstPatient + index) + "^^^&1.2.250.1.213.1.4.10&ISO^NH";
}

// splitmix64: deterministic per lot, so a load is reproducible.
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

std::string dtm(std::int64_t epoch_seconds) {
  const std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%S", &utc);
  return text;
}

struct TypeClass {
  std::string type_code, type_scheme, type_display;
  std::string class_code, class_scheme, class_display;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<TypeClass> type_class_pairs(const std::filesystem::path& codes) {
  const auto pairs = nlohmann::json::parse(read_file(codes / "type-to-class.json"));
  std::map<std::pair<std::string, std::string>, std::string> display;
  for (const char* file : {"typeCode.json", "classCode.json"}) {
    for (const auto& code : nlohmann::json::parse(read_file(codes / file))) {
      display[{code.at("code").get<std::string>(), code.at("scheme").get<std::string>()}] =
          code.value("display", "");
    }
  }
  std::vector<TypeClass> out;
  for (const auto& pair : pairs) {
    TypeClass tc;
    tc.type_code = pair.at("typeCode");
    tc.type_scheme = pair.at("typeCodeScheme");
    tc.class_code = pair.at("classCode");
    tc.class_scheme = pair.at("classCodeScheme");
    tc.type_display = display[{tc.type_code, tc.type_scheme}];
    tc.class_display = display[{tc.class_code, tc.class_scheme}];
    // Pairs whose codes the DMP lists do not name would fail validation.
    if (tc.type_display.empty() || tc.class_display.empty()) continue;
    out.push_back(std::move(tc));
  }
  if (out.empty()) throw std::runtime_error("no usable typeCode/classCode pair");
  return out;
}

void set_slot(std::vector<registry::Slot>& slots, const std::string& name,
              const std::string& value) {
  for (auto& slot : slots) {
    if (slot.name == name) {
      slot.values = {value};
      return;
    }
  }
  slots.push_back({name, "", {value}});
}

registry::Classification& classification(registry::RegistryObject& object, const char* scheme) {
  for (auto& c : object.classifications) {
    if (c.classification_scheme == scheme) return c;
  }
  throw std::runtime_error(std::string("fixture object ") + object.id + " has no " + scheme);
}

void set_external_identifier(registry::RegistryObject& object, const char* scheme,
                             const std::string& value) {
  for (auto& identifier : object.external_identifiers) {
    if (identifier.identification_scheme == scheme) {
      identifier.value = value;
      return;
    }
  }
  throw std::runtime_error(std::string("fixture object ") + object.id + " has no " + scheme);
}

void set_code(registry::Classification& c, const std::string& code, const std::string& scheme,
              const std::string& display) {
  c.node_representation = code;
  set_slot(c.slots, "codingScheme", scheme);
  if (!c.name.empty()) c.name.front().value = display;
}

std::string author_person(std::uint64_t index) {
  char text[96];
  std::snprintf(
      text, sizeof text, "8%011llu^AUTEUR%llu^Jean^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS",
      static_cast<unsigned long long>(index + 1), static_cast<unsigned long long>(index + 1));
  return text;
}

// What every lot starts from: the fixture, parsed once.
struct Template {
  registry::SubmitObjectsRequest request;
  std::vector<std::size_t> documents;  // indexes of the ExtrinsicObjects
  std::size_t set = 0;                 // index of the RegistryPackage
  std::vector<TypeClass> codes;
};

Template load_template(const std::filesystem::path& source_dir) {
  Template t;
  const auto text = read_file(source_dir / "tests/fixtures/xds/provide_and_register_two_docs.xml");
  const auto document = xml::parse(text);
  t.request = registry::parse_submit_objects(document.root());
  for (std::size_t i = 0; i < t.request.objects.size(); ++i) {
    const auto& object = t.request.objects[i];
    if (object.kind == registry::ObjectKind::ExtrinsicObject) t.documents.push_back(i);
    if (object.kind == registry::ObjectKind::RegistryPackage) t.set = i;
  }
  if (t.documents.size() != 2) throw std::runtime_error("fixture: expected two documents");
  t.codes = type_class_pairs(source_dir / "registry/profiles/dmp/codes");
  return t;
}

// Lot `lot` of the load: patient lot % patients, its (lot / patients)-th lot.
// Statuses as a registry holds them after years: mostly Approved.
struct BuiltLot {
  registry::SubmitObjectsRequest request;
  std::vector<std::string> statuses;  // per document, applied after validation
};

BuiltLot build_lot(const Template& t, std::size_t lot, std::size_t patients) {
  Random random{0x5eed0000ULL + lot};
  const std::size_t patient = lot % patients;
  const std::size_t k = lot / patients;
  const std::string pid = patient_id(static_cast<std::int64_t>(patient));
  const std::string suffix = std::to_string(patient + 1) + "." + std::to_string(k + 1);

  BuiltLot built;
  built.request = t.request;
  auto& request = built.request;
  // 2015-01-01 .. 2025-01-01.
  constexpr std::int64_t kStart = 1420070400;
  constexpr std::int64_t kSpan = 10LL * 365 * 86400;
  std::int64_t latest = 0;
  const std::string set_author = author_person(random.below(kAuthors));
  for (std::size_t d = 0; d < t.documents.size(); ++d) {
    auto& object = request.objects[t.documents[d]];
    const std::int64_t creation = kStart + static_cast<std::int64_t>(random.below(kSpan));
    const std::int64_t start = creation - static_cast<std::int64_t>(random.below(3 * 86400));
    const std::int64_t stop = start + 900 + static_cast<std::int64_t>(random.below(7200));
    latest = std::max({latest, creation, stop});
    set_slot(object.slots, "creationTime", dtm(creation));
    set_slot(object.slots, "serviceStartTime", dtm(start));
    set_slot(object.slots, "serviceStopTime", dtm(std::min(stop, creation)));
    char hash[41];
    std::snprintf(hash, sizeof hash, "%016llx%016llx%08llx",
                  static_cast<unsigned long long>(random.next()),
                  static_cast<unsigned long long>(random.next()),
                  static_cast<unsigned long long>(random.next() & 0xffffffffULL));
    set_slot(object.slots, "hash", hash);
    set_slot(object.slots, "size", std::to_string(1000 + random.below(2000000)));
    set_slot(object.slots, "repositoryUniqueId", kRepository);
    set_slot(object.slots, "sourcePatientId", pid);
    set_external_identifier(object, kDocumentPatientId, pid);
    set_external_identifier(object, kDocumentUniqueId,
                            "1.2.250.1.999.1.1." + suffix + "." + std::to_string(d + 1));
    // A few type codes dominate, as in real records.
    const std::size_t skew = random.below(4) == 0 ? 8 : t.codes.size();
    const auto& code = t.codes[random.below(std::min(skew, t.codes.size()))];
    set_code(classification(object, kClassCode), code.class_code, code.class_scheme,
             code.class_display);
    set_code(classification(object, kTypeCode), code.type_code, code.type_scheme,
             code.type_display);
    set_slot(classification(object, kDocumentAuthor).slots, "authorPerson",
             random.below(2) == 0 ? set_author : author_person(random.below(kAuthors)));

    const auto draw = random.below(100);
    built.statuses.push_back(draw < 90   ? registry::vocab::kApproved
                             : draw < 96 ? registry::vocab::kDeprecated
                             : draw < 99 ? registry::vocab::kArchived
                                         : registry::vocab::kDeleted);
  }
  auto& set = request.objects[t.set];
  set_slot(set.slots, "submissionTime",
           dtm(latest + 60 + static_cast<std::int64_t>(random.below(3600))));
  set_external_identifier(set, kSetUniqueId, "1.2.250.1.999.1.2." + suffix);
  set_external_identifier(set, kSetPatientId, pid);
  set_slot(classification(set, kSetAuthor).slots, "authorPerson", set_author);

  registry::assign_uuids(request);
  // As register_lot: the registry sets the status of what it registers.
  for (auto& object : request.objects) {
    if (object.kind == registry::ObjectKind::ExtrinsicObject ||
        object.kind == registry::ObjectKind::RegistryPackage ||
        object.kind == registry::ObjectKind::Association) {
      object.status = registry::vocab::kApproved;
    }
  }
  return built;
}

std::string describe(const std::vector<Error>& errors) {
  std::string out;
  for (const auto& error : errors) {
    out += "\n  " + error.code + " at " + error.location + ": " + error.message;
  }
  return out;
}

std::string uri_with_options(std::string uri) {
  // Loader sessions only: commits do not wait for the WAL flush (the cluster
  // keeps fsync on; a crash could lose the last lots, never corrupt).
  uri += uri.find('?') == std::string::npos ? "?" : "&";
  return uri + "options=-c%20synchronous_commit%3Doff";
}

int load(const Settings& settings) {
  const xml::Runtime runtime;
  std::unique_ptr<store::EmbeddedCluster> cluster;
  std::string uri = settings.uri;
  if (uri.empty()) {
    store::ClusterOptions options;
    options.data_dir = settings.data_dir;
    options.fsync = true;
    cluster = store::EmbeddedCluster::start(options);
    uri = cluster->connection_uri();
  }
  const std::size_t patients = settings.patients;
  const std::size_t lots_per_patient = (settings.documents_per_patient + 1) / 2;
  const std::size_t total_lots = patients * lots_per_patient;

  if (cluster) {
    // The bench cluster's settings (postgresql.auto.conf, kept with it):
    // fewer forced checkpoints while loading gigabytes, and buffers sized for
    // a million entries rather than the 128 MB default. The same cluster
    // serves the gateway and the raw-SQL baseline of query_bench.
    bool restart = false;
    {
      pqxx::connection connection(uri);
      pqxx::nontransaction tx(connection);
      tx.exec("ALTER SYSTEM SET max_wal_size = '8GB'");
      tx.exec("ALTER SYSTEM SET checkpoint_timeout = '15min'");
      tx.exec("ALTER SYSTEM SET shared_buffers = '" + settings.shared_buffers + "'");
      tx.exec("SELECT pg_reload_conf()");
      restart = tx.exec1("SELECT pending_restart FROM pg_settings WHERE name = 'shared_buffers'")[0]
                    .as<bool>();
    }
    if (restart) {
      cluster->stop();
      cluster.reset();
      store::ClusterOptions options;
      options.data_dir = settings.data_dir;
      options.fsync = true;
      cluster = store::EmbeddedCluster::start(options);
      uri = cluster->connection_uri();
    }
  }
  {
    pqxx::connection connection(uri);
    store::migrate(connection);
    pqxx::nontransaction tx(connection);
    tx.exec(
        "CREATE TABLE IF NOT EXISTS bench_load (patients bigint NOT NULL, lots bigint NOT "
        "NULL, documents bigint NOT NULL, seconds double precision NOT NULL, "
        "loaded_at timestamptz NOT NULL DEFAULT now())");
    const auto done = tx.exec("SELECT patients, documents FROM bench_load");
    const auto documents = tx.exec1("SELECT count(*) FROM document_entries")[0].as<std::int64_t>();
    if (!done.empty()) {
      if (done[0][0].as<std::size_t>() == patients && done[0][1].as<std::int64_t>() == documents) {
        std::printf("passerelle-load: already loaded: %zu patients, %lld document entries\n",
                    patients, static_cast<long long>(documents));
        return 0;
      }
      throw std::runtime_error(std::string("the database holds another load (") +
                               done[0][0].c_str() + " patients); use another data directory");
    }
    if (documents != 0) {
      throw std::runtime_error("the database holds " + std::to_string(documents) +
                               " document entries but no finished load: remove it and run again");
    }
  }

  const auto started = Clock::now();
  {
    pqxx::connection connection(uri);
    pqxx::work tx(connection);
    tx.exec_params(
        "INSERT INTO patient_records (patient_id, family, given, birth_date, sex, state) "
        "SELECT ($1::bigint + i)::text || '^^^&1.2.250.1.213.1.4.10&ISO^NH', "
        "'NOM' || i, 'Prenom' || (i % 997), date '1930-01-01' + (i % 32000)::integer, "
        "(ARRAY['F','M','U'])[1 + i % 3], 'open' FROM generate_series(0, $2::bigint - 1) AS i "
        "ON CONFLICT DO NOTHING",
        kFirstPatient, static_cast<std::int64_t>(patients));
    tx.commit();
  }
  std::fprintf(stderr, "patients: %zu records in %.1f s\n", patients,
               std::chrono::duration<double>(Clock::now() - started).count());

  const Template t = load_template(PASSERELLE_SOURCE_DIR);
  const auto profile = registry::load_named_profile("dmp");
  store::ConnectionPool pool(uri_with_options(uri), settings.threads);

  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> committed{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::string error;
  const auto lots_started = Clock::now();
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < settings.threads; ++w) {
    threads.emplace_back([&] {
      try {
        store::XdsStore store(pool);
        for (std::size_t lot = next++; lot < total_lots && !failed; lot = next++) {
          BuiltLot built = build_lot(t, lot, patients);
          if (settings.validate_every != 0 && lot % settings.validate_every == 0) {
            const auto submission = registry::read_submission(built.request);
            const auto errors = registry::validate_submission(built.request, submission, profile);
            if (!errors.empty()) {
              throw std::runtime_error("lot " + std::to_string(lot) +
                                       " is not valid:" + describe(errors));
            }
          }
          std::size_t d = 0;
          for (const std::size_t index : t.documents) {
            built.request.objects[index].status = built.statuses[d++];
          }
          const auto submission = registry::read_submission(built.request);
          store::Lot stored;
          stored.request = &built.request;
          stored.submission = &submission;
          store.commit_lot(stored);
          ++committed;
        }
      } catch (const Failure& e) {
        const std::lock_guard lock(error_mutex);
        error = e.error().code + " at " + e.error().location + ": " + e.error().message;
        failed = true;
      } catch (const std::exception& e) {
        const std::lock_guard lock(error_mutex);
        error = e.what();
        failed = true;
      }
    });
  }
  std::thread progress([&] {
    auto last = Clock::now();
    std::size_t last_count = 0;
    while (!failed && committed < total_lots) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (Clock::now() - last < std::chrono::seconds(10)) continue;
      const auto now = Clock::now();
      const std::size_t count = committed;
      std::fprintf(stderr, "lots: %zu / %zu (%.0f lots/s, %.0f documents/s)\n", count, total_lots,
                   (count - last_count) / std::chrono::duration<double>(now - last).count(),
                   2.0 * (count - last_count) / std::chrono::duration<double>(now - last).count());
      last = now;
      last_count = count;
    }
  });
  for (auto& thread : threads) thread.join();
  progress.join();
  if (failed) throw std::runtime_error(error);
  const double lot_seconds = std::chrono::duration<double>(Clock::now() - lots_started).count();

  std::fprintf(stderr, "ANALYZE\n");
  const auto analyze_started = Clock::now();
  std::int64_t documents = 0;
  {
    pqxx::connection connection(uri);
    pqxx::nontransaction tx(connection);
    tx.exec("VACUUM (ANALYZE)");
    tx.exec("CHECKPOINT");
    documents = tx.exec1("SELECT count(*) FROM document_entries")[0].as<std::int64_t>();
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    tx.exec_params(
        "INSERT INTO bench_load (patients, lots, documents, seconds) VALUES "
        "($1, $2, $3, $4)",
        static_cast<std::int64_t>(patients), static_cast<std::int64_t>(total_lots), documents,
        seconds);
  }
  const double total = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf(
      "passerelle-load: %zu patients, %zu lots, %lld document entries in %.0f s "
      "(lots %.0f s = %.0f lots/s, %.0f documents/s, %zu threads; vacuum+analyze %.0f s)\n",
      patients, total_lots, static_cast<long long>(documents), total, lot_seconds,
      total_lots / lot_seconds, documents / lot_seconds, settings.threads,
      std::chrono::duration<double>(Clock::now() - analyze_started).count());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  CLI::App app{"Loads synthetic patients and document entries through XdsStore::commit_lot"};
  app.add_option("--data-dir", settings.data_dir,
                 "embedded cluster data directory (created when missing, kept)");
  app.add_option("--uri", settings.uri, "libpq URI of an existing database instead");
  app.add_option("--patients", settings.patients, "patients (records)")->check(CLI::PositiveNumber);
  app.add_option("--documents-per-patient", settings.documents_per_patient,
                 "document entries per patient (lots of two)")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", settings.threads, "committing threads (connections)")
      ->check(CLI::PositiveNumber);
  app.add_option("--validate-every", settings.validate_every,
                 "validate one lot in this many with the DMP profile (0 = never)");
  app.add_option("--shared-buffers", settings.shared_buffers,
                 "shared_buffers set on the --data-dir cluster (ALTER SYSTEM)");
  CLI11_PARSE(app, argc, argv);
  if (settings.data_dir.empty() == settings.uri.empty()) {
    std::fprintf(stderr, "passerelle-load: give either --data-dir or --uri\n");
    return 2;
  }
  try {
    return load(settings);
  } catch (const Failure& e) {
    std::fprintf(stderr, "passerelle-load: %s at %s: %s\n", e.error().code.c_str(),
                 e.error().location.c_str(), e.error().message.c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "passerelle-load: %s\n", e.what());
    return 1;
  }
}
