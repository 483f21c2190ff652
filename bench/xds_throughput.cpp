// ITI-41 and ITI-43 throughput through the real gateway (in-process
// gateway::Server, HTTPS with keep-alive, a private PostgreSQL with fsync on),
// each next to a raw-libpqxx baseline measured in the same run on the same
// cluster. The figure that matters is the ratio gateway/raw: these machines
// are noisy, absolute numbers are not comparable across runs.
//
// Every answer is checked (ITI-41: Success; ITI-43: Success, the expected
// documents, bytes equal to what was sent), so the bench never measures errors.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <iostream>
#include <latch>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "passerelle/core/xml.hpp"
#include "passerelle/gateway/xds_service.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
#include "pg_cluster.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"
#include "xds_client.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::testing;
using Clock = std::chrono::steady_clock;

constexpr const char* kEndpoint = "/xds/repository";
constexpr const char* kMimeType = "application/pdf";

struct Settings {
  std::size_t lots = 300;
  std::size_t doc_kib = 256;
  std::size_t clients = 4;
};

// ---------------------------------------------------------------- the lots

struct Lot {
  std::string metadata;               // SubmitObjectsRequest text
  std::vector<std::string> ids;       // document uniqueIds, Document01 then Document02
  std::vector<std::string> contents;  // document bytes
  HttpRequestBody request;            // ITI-41 MTOM request
};

std::string without_slot(const std::string& metadata, const std::string& name) {
  const std::regex slot("<rim:Slot name=\"" + name + "\">[\\s\\S]*?</rim:Slot>");
  std::string out = std::regex_replace(metadata, slot, "");
  if (out == metadata) throw std::runtime_error("fixture has no " + name + " slot");
  return out;
}

// The uniqueId the fixture gives `symbolic_id` (after with_fresh_unique_ids).
std::string document_unique_id(const std::string& metadata, const std::string& symbolic_id) {
  const auto object = metadata.find("id=\"" + symbolic_id + "\"");
  const auto scheme = metadata.find("urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab", object);
  if (object == std::string::npos || scheme == std::string::npos) {
    throw std::runtime_error("no uniqueId for " + symbolic_id);
  }
  const auto tag_start = metadata.rfind('<', scheme);
  const auto tag_end = metadata.find('>', scheme);
  const std::string tag = metadata.substr(tag_start, tag_end - tag_start);
  const auto value = tag.find("value=\"");
  return tag.substr(value + 7, tag.find('"', value + 7) - value - 7);
}

// Incompressible bytes, different for every document (the repository
// deduplicates identical content), behind a PDF header.
std::string document_bytes(std::size_t lot, std::size_t document, std::size_t size) {
  std::string out = "%PDF-1.4\n%bench lot " + std::to_string(lot) + " document " +
                    std::to_string(document) + "\n";
  const std::size_t header = std::min(out.size(), size);
  out.resize(size);
  std::uint64_t state = 0x9e3779b97f4a7c15ULL * (2 * lot + document + 1);
  for (std::size_t at = header; at < size; at += 8) {
    state += 0x9e3779b97f4a7c15ULL;  // splitmix64
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    std::memcpy(out.data() + at, &z, std::min<std::size_t>(8, size - at));
  }
  return out;
}

std::vector<Lot> make_lots(std::size_t count, std::size_t document_size) {
  // Hash and size left for the repository to compute.
  const std::string base = without_slot(without_slot(two_document_metadata(), "hash"), "size");
  if (base.find(std::string("mimeType=\"") + kMimeType + "\"") == std::string::npos) {
    throw std::runtime_error("fixture documents are not application/pdf");
  }
  std::vector<Lot> lots(count);
  for (std::size_t i = 0; i < count; ++i) {
    Lot& lot = lots[i];
    lot.metadata = with_fresh_unique_ids(base, std::to_string(i + 1));
    lot.ids = {document_unique_id(lot.metadata, "Document01"),
               document_unique_id(lot.metadata, "Document02")};
    lot.contents = {document_bytes(i, 0, document_size), document_bytes(i, 1, document_size)};
    lot.request = provide_and_register_mtom(
        lot.metadata,
        {{"Document01", kMimeType, lot.contents[0]}, {"Document02", kMimeType, lot.contents[1]}});
  }
  return lots;
}

// ---------------------------------------------------------------- phases

struct Phase {
  std::string name;
  std::size_t ops = 0;
  double seconds = 0;
  std::uint64_t content_bytes = 0;
  std::vector<double> latencies_ms;

  double per_second() const { return static_cast<double>(ops) / seconds; }
  double mb_per_second() const { return static_cast<double>(content_bytes) / 1e6 / seconds; }
  double percentile(double p) const {
    if (latencies_ms.empty()) return 0;
    const auto rank = static_cast<std::size_t>(p * static_cast<double>(latencies_ms.size() - 1));
    return latencies_ms[rank];
  }
};

// One operation: does request `index`, checks its answer, returns the
// latency in milliseconds of the request alone (checks excluded).
using Operation = std::function<double(std::size_t index)>;

// Runs operations [begin, end) on `clients` threads, each made ready by
// make_client() (connect, prepare) before the clock starts.
Phase run_phase(const std::string& name, std::size_t begin, std::size_t end, std::size_t clients,
                std::uint64_t bytes_per_op, const std::function<Operation()>& make_client) {
  std::atomic<std::size_t> next{begin};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr error;
  std::vector<std::vector<double>> latencies(clients);
  std::latch ready(static_cast<std::ptrdiff_t>(clients + 1));
  std::latch go(1);
  const auto fail = [&] {
    const std::lock_guard lock(error_mutex);
    if (!error) error = std::current_exception();
    failed = true;
  };
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Operation operation;
      try {
        operation = make_client();
      } catch (...) {
        fail();
      }
      ready.count_down();
      go.wait();
      if (!operation) return;
      try {
        for (std::size_t i = next++; i < end && !failed; i = next++) {
          latencies[c].push_back(operation(i));
        }
      } catch (...) {
        fail();
      }
    });
  }
  ready.arrive_and_wait();
  const auto start = Clock::now();
  go.count_down();
  for (auto& thread : threads) thread.join();
  const auto stop = Clock::now();
  if (error) std::rethrow_exception(error);

  Phase phase;
  phase.name = name;
  phase.ops = end - begin;
  phase.seconds = std::chrono::duration<double>(stop - start).count();
  phase.content_bytes = bytes_per_op * phase.ops;
  for (auto& list : latencies) {
    phase.latencies_ms.insert(phase.latencies_ms.end(), list.begin(), list.end());
  }
  std::sort(phase.latencies_ms.begin(), phase.latencies_ms.end());
  return phase;
}

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

void require(bool condition, const std::string& what) {
  if (!condition) throw std::runtime_error(what);
}

// ---------------------------------------------------------------- gateway

struct GatewayClient {
  std::unique_ptr<HttpConnection> connection;

  explicit GatewayClient(const TestServer& server)
      : connection(std::make_unique<HttpConnection>(server.endpoint(), server.client())) {}

  HttpReply post(const HttpRequestBody& request, double& latency_ms) {
    const auto start = Clock::now();
    auto reply = connection->request("POST", kEndpoint, request.content_type, request.body);
    latency_ms = elapsed_ms(start);
    require(reply.status == 200u,
            "HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 600));
    return reply;
  }
};

Operation gateway_provide(const TestServer& server, const std::vector<Lot>& lots) {
  auto client = std::make_shared<GatewayClient>(server);
  return [client, &lots](std::size_t index) {
    double latency = 0;
    const auto answer = read_registry_answer(client->post(lots[index].request, latency));
    require(answer.success(), "ITI-41 lot " + std::to_string(index) + " failed: " + answer.codes() +
                                  " " + answer.status);
    return latency;
  };
}

void check_retrieved(const RetrieveAnswer& answer, const std::vector<const std::string*>& ids,
                     const std::vector<const std::string*>& contents) {
  require(answer.registry.success(),
          "ITI-43 failed: " + answer.registry.codes() + " " + answer.registry.status);
  require(answer.documents.size() == ids.size(),
          "ITI-43 returned " + std::to_string(answer.documents.size()) + " documents, asked " +
              std::to_string(ids.size()));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& part = answer.documents[i];
    require(part.document_unique_id == *ids[i],
            "ITI-43 answered " + part.document_unique_id + " for " + *ids[i]);
    require(part.mime_type == kMimeType, "ITI-43 mimeType " + part.mime_type);
    require(part.bytes == *contents[i], "ITI-43 bytes differ for " + *ids[i]);
  }
}

// Singles: index = 2 * lot + document. Pairs: index = lot.
Operation gateway_retrieve(const TestServer& server, const std::vector<Lot>& lots, bool pairs) {
  auto client = std::make_shared<GatewayClient>(server);
  return [client, &lots, pairs](std::size_t index) {
    std::vector<const std::string*> ids;
    std::vector<const std::string*> contents;
    if (pairs) {
      for (std::size_t d = 0; d < 2; ++d) {
        ids.push_back(&lots[index].ids[d]);
        contents.push_back(&lots[index].contents[d]);
      }
    } else {
      ids.push_back(&lots[index / 2].ids[index % 2]);
      contents.push_back(&lots[index / 2].contents[index % 2]);
    }
    std::vector<RetrieveKey> keys;
    for (const auto* id : ids) keys.push_back({kTestRepository, *id});
    const auto request = retrieve_document_set(keys);
    double latency = 0;
    const auto reply = client->post(request, latency);
    check_retrieved(read_retrieve_answer(reply), ids, contents);
    return latency;
  };
}

// ---------------------------------------------------------------- raw libpqxx

void create_raw_table(const std::string& uri) {
  pqxx::connection connection(uri);
  pqxx::work tx(connection);
  tx.exec(
      "CREATE TABLE bench_raw (id text PRIMARY KEY, metadata text NOT NULL, "
      "content bytea NOT NULL)");
  // As the repository's content_chunks: stored out of line, not compressed.
  tx.exec("ALTER TABLE bench_raw ALTER COLUMN content SET STORAGE EXTERNAL");
  tx.commit();
}

// One transaction per lot: its two documents, each row carrying half the
// lot's metadata text.
Operation raw_insert(const std::string& uri, const std::vector<Lot>& lots) {
  auto connection = std::make_shared<pqxx::connection>(uri);
  connection->prepare("put", "INSERT INTO bench_raw (id, metadata, content) VALUES ($1, $2, $3)");
  return [connection, &lots](std::size_t index) {
    const Lot& lot = lots[index];
    const std::size_t half = lot.metadata.size() / 2;
    const auto start = Clock::now();
    pqxx::work tx(*connection);
    tx.exec_prepared("put", lot.ids[0], lot.metadata.substr(0, half),
                     pqxx::binarystring(lot.contents[0]));
    tx.exec_prepared("put", lot.ids[1], lot.metadata.substr(half),
                     pqxx::binarystring(lot.contents[1]));
    tx.commit();
    return elapsed_ms(start);
  };
}

Operation raw_select(const std::string& uri, const std::vector<Lot>& lots, bool pairs) {
  auto connection = std::make_shared<pqxx::connection>(uri);
  connection->prepare("one", "SELECT id, content FROM bench_raw WHERE id = $1");
  connection->prepare("two", "SELECT id, content FROM bench_raw WHERE id IN ($1, $2)");
  return [connection, &lots, pairs](std::size_t index) {
    const Lot& lot = lots[pairs ? index : index / 2];
    const auto start = Clock::now();
    pqxx::nontransaction tx(*connection);
    const pqxx::result rows = pairs ? tx.exec_prepared("two", lot.ids[0], lot.ids[1])
                                    : tx.exec_prepared("one", lot.ids[index % 2]);
    std::vector<std::pair<std::string, std::string>> documents;
    for (const auto& row : rows) {
      const pqxx::binarystring bytes(row[1]);
      documents.emplace_back(row[0].as<std::string>(), bytes.str());
    }
    const double latency = elapsed_ms(start);
    require(documents.size() == (pairs ? 2u : 1u),
            "raw SELECT returned " + std::to_string(documents.size()) + " rows");
    for (const auto& [id, bytes] : documents) {
      const std::size_t d = id == lot.ids[0] ? 0 : 1;
      require(id == lot.ids[d], "raw SELECT returned " + id);
      require(bytes == lot.contents[d], "raw SELECT bytes differ for " + id);
    }
    return latency;
  };
}

void checkpoint(const std::string& uri) {
  pqxx::connection connection(uri);
  pqxx::nontransaction tx(connection);
  tx.exec("CHECKPOINT");
}

// ---------------------------------------------------------------- report

void print_table(const std::vector<Phase>& phases) {
  std::printf("\n%-24s %6s %8s %9s %8s %8s %8s\n", "phase", "ops", "seconds", "ops/s", "MB/s",
              "p50 ms", "p99 ms");
  for (const auto& phase : phases) {
    std::printf("%-24s %6zu %8.2f %9.1f %8.1f %8.2f %8.2f\n", phase.name.c_str(), phase.ops,
                phase.seconds, phase.per_second(), phase.mb_per_second(), phase.percentile(0.50),
                phase.percentile(0.99));
  }
  std::printf("\n");
}

void print_ratio(const char* what, const char* unit, const Phase& gateway, const Phase& raw) {
  std::printf(
      "%-16s gateway %8.1f %s %7.1f MB/s | raw libpqxx %8.1f %s %7.1f MB/s | "
      "ratio gateway/raw %.3f\n",
      what, gateway.per_second(), unit, gateway.mb_per_second(), raw.per_second(), unit,
      raw.mb_per_second(), gateway.per_second() / raw.per_second());
}

int run(const Settings& settings) {
  const xml::Runtime runtime;
  const std::size_t n = settings.lots;
  const std::size_t clients = settings.clients;
  const std::size_t warmup = 2 * clients;  // lots N..N+warmup-1: untimed, both paths
  const std::size_t document_size = settings.doc_kib * 1024;

  std::printf(
      "xds_throughput: %zu lots x 2 documents x %zu KiB, %zu clients, HTTPS keep-alive, "
      "PostgreSQL fsync on\n",
      n, settings.doc_kib, clients);
  std::fflush(stdout);

  // Private cluster, fsync on: the durability cost is part of the figure.
  TempDir root("passerelle-bench");
  auto cluster_options = throwaway_cluster_options(root.path());
  cluster_options.fsync = true;
  auto cluster = store::EmbeddedCluster::start(cluster_options);
  const std::string uri = cluster->connection_uri();

  auto pool = std::make_shared<store::ConnectionPool>(uri, clients);
  {
    auto connection = pool->acquire();
    store::migrate(*connection);
  }
  store::RecordStore(*pool).create(
      {kTestPatient, "DUPONT", "Marie", "1970-01-01", "F", "", "", "", ""});
  create_raw_table(uri);
  // The lots sent here are not signed (signature cost: bench/signature_verify).
  auto dmp = registry::load_named_profile("dmp");
  dmp.lot_signature_required = false;
  auto profile = std::make_shared<const registry::Profile>(std::move(dmp));

  TestServerOptions server_options;
  server_options.db_uri = uri;
  server_options.router =
      gateway::make_xds_router(gateway::XdsDependencies{pool, profile, kTestRepository, {}});
  // One request handling thread per client, as the baseline has one
  // connection per client.
  server_options.customize = [clients](gateway::ServerConfig& config) { config.workers = clients; };
  TestServer server(std::move(server_options));

  const auto lots = make_lots(n + warmup, document_size);
  const std::uint64_t lot_bytes = 2 * document_size;

  std::vector<Phase> phases;
  const auto timed = [&](const std::string& name, std::size_t ops, std::uint64_t bytes_per_op,
                         const std::function<Operation()>& make_client, std::size_t warmup_ops) {
    // Warm-up on the spare lots (same path), then the timed run on the others.
    run_phase(name + " warm-up", ops, ops + warmup_ops, clients, bytes_per_op, make_client);
    phases.push_back(run_phase(name, 0, ops, clients, bytes_per_op, make_client));
    const auto& phase = phases.back();
    std::fprintf(stderr, "%-24s %.2f s\n", phase.name.c_str(), phase.seconds);
    return phases.size() - 1;
  };

  // ITI-41 and its baseline; a checkpoint before each so neither pays for
  // the other's dirty pages.
  checkpoint(uri);
  const auto raw_41 = timed(
      "ITI-41 raw libpqxx", n, lot_bytes, [&] { return raw_insert(uri, lots); }, warmup);
  checkpoint(uri);
  const auto gateway_41 = timed(
      "ITI-41 gateway", n, lot_bytes, [&] { return gateway_provide(server, lots); }, warmup);

  const auto counts = store::XdsStore(*pool).counts();
  require(counts.documents == static_cast<std::int64_t>(2 * (n + warmup)) &&
              counts.content_bytes == static_cast<std::int64_t>(lot_bytes * (n + warmup)),
          "the repository does not hold every document sent");

  // ITI-43, one document per request then two.
  const auto gateway_43_1 = timed(
      "ITI-43 x1 gateway", 2 * n, document_size,
      [&] { return gateway_retrieve(server, lots, false); }, 2 * warmup);
  const auto raw_43_1 = timed(
      "ITI-43 x1 raw libpqxx", 2 * n, document_size, [&] { return raw_select(uri, lots, false); },
      2 * warmup);
  const auto gateway_43_2 = timed(
      "ITI-43 x2 gateway", n, lot_bytes, [&] { return gateway_retrieve(server, lots, true); },
      warmup);
  const auto raw_43_2 = timed(
      "ITI-43 x2 raw libpqxx", n, lot_bytes, [&] { return raw_select(uri, lots, true); }, warmup);

  print_table(phases);
  print_ratio("ITI-41", "lots/s", phases[gateway_41], phases[raw_41]);
  print_ratio("ITI-43 1 doc", "req/s", phases[gateway_43_1], phases[raw_43_1]);
  print_ratio("ITI-43 2 docs", "req/s", phases[gateway_43_2], phases[raw_43_2]);
  std::printf(
      "(MB = 10^6 bytes of document content; latency = one request, answer checks "
      "excluded; every answer checked)\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  CLI::App app{"ITI-41/ITI-43 throughput through the gateway, against raw libpqxx"};
  app.add_option("--lots", settings.lots, "lots of 2 documents sent (ITI-41)")
      ->check(CLI::PositiveNumber);
  app.add_option("--doc-kib", settings.doc_kib, "size of each document in KiB")
      ->check(CLI::PositiveNumber);
  app.add_option("--clients", settings.clients, "concurrent clients (threads, connections)")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  try {
    return run(settings);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "xds_throughput: %s\n", error.what());
    return 1;
  }
}
