#define BOOST_TEST_MODULE crash_safety
#include <sys/stat.h>

#include <boost/process.hpp>
#include <boost/test/unit_test.hpp>

// kill -9 of the gateway and of its PostgreSQL in the middle of concurrent
// ITI-41 submissions, then a restart on the same data directory: every
// acknowledged lot is complete and retrievable, no other lot is partly
// visible, and no content is left without its metadata.

#include <atomic>
#include <csignal>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "passerelle/core/xml.hpp"
#include "passerelle/registry/records.hpp"
#include "passerelle/registry/store.hpp"
#include "pg_cluster.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"
#include "xds_client.hpp"

namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;
using namespace passerelle;
using namespace passerelle::testing;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

// The gateway as users run it: its own embedded PostgreSQL under data_dir.
struct GatewayProcess {
  bp::ipstream out;
  bp::child child;
  unsigned short port = 0;

  explicit GatewayProcess(const fs::path& data_dir, const fs::path& log)
      : child(PASSERELLE_BINARY,
              bp::args({"serve", "--data-dir", data_dir.string(), "--listen", "127.0.0.1:0",
                        "--tls-cert", pki("server.pem").string(), "--tls-key",
                        pki("server.key").string(), "--repository-unique-id", kTestRepository,
                        "--log-format", "json",
                        // The lots this test sends carry neither a VIHF nor a lot
                        // signature; those are tested on their own.
                        "--vihf", "optional", "--lot-signature", "optional"}),
              bp::std_out > out, bp::std_err > log.string()) {
    const std::regex listening("listening on https://127\\.0\\.0\\.1:([0-9]+)");
    std::string line;
    std::smatch match;
    while (std::getline(out, line)) {
      if (std::regex_search(line, match, listening)) {
        port = static_cast<unsigned short>(std::stoi(match[1]));
        return;
      }
    }
    throw std::runtime_error("the gateway did not start; see " + log.string());
  }

  HttpConnection connect() const {
    return HttpConnection({boost::asio::ip::make_address("127.0.0.1"), port},
                          TlsClientOptions{pki("ca.pem"), {}, {}});
  }
};

struct Lot {
  std::string metadata;
  std::vector<Part> documents;
  std::vector<std::string> unique_ids;
};

std::string document_bytes(int lot, int index) {
  // 96 KiB per document: large enough for the kill to land mid-transaction.
  std::string bytes =
      "%PDF-1.4\n% lot " + std::to_string(lot) + " document " + std::to_string(index) + "\n";
  bytes.resize(96 * 1024, static_cast<char>('a' + (lot + index) % 26));
  return bytes;
}

Lot make_lot(int number) {
  Lot lot;
  std::string metadata =
      with_fresh_unique_ids(two_document_metadata(), std::to_string(100000 + number));
  // Let the repository compute hash and size.
  lot.metadata = without_slot(without_slot(metadata, "hash"), "size");
  for (const char* id : {"Document01", "Document02"}) {
    lot.unique_ids.push_back(document_unique_id(lot.metadata, id));
  }
  lot.documents = {{"Document01", "application/pdf", document_bytes(number, 1)},
                   {"Document02", "application/pdf", document_bytes(number, 2)}};
  return lot;
}

pid_t postmaster_pid(const fs::path& data_dir) {
  std::ifstream in(data_dir / "postmaster.pid");
  pid_t pid = 0;
  in >> pid;
  return pid;
}

bool process_alive(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

}  // namespace

BOOST_AUTO_TEST_CASE(kill_9_during_concurrent_submissions_loses_nothing_acknowledged) {
  TempDir dir("passerelle-crash");
  ::chmod(dir.path().c_str(), 0711);  // the postgres account must reach data/
  const fs::path data_dir = dir.path() / "data";

  // The patient's record, created before the gateway runs.
  {
    store::ClusterOptions options = throwaway_cluster_options(dir.path());
    options.data_dir = data_dir;
    options.fsync = true;  // this test is about durability
    auto cluster = store::EmbeddedCluster::start(options);
    pqxx::connection connection(cluster->connection_uri());
    store::migrate(connection);
    store::ConnectionPool pool(cluster->connection_uri(), 1);
    store::RecordStore(pool).create(
        {kTestPatient, "DUPONT", "Marie", "1970-01-01", "F", "", "", "", ""});
  }

  std::mutex mutex;
  std::vector<Lot> acknowledged;
  std::vector<Lot> in_doubt;  // sent, no answer: may or may not have committed
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  {
    GatewayProcess gateway(data_dir, dir.path() / "gateway-1.log");
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&] {
        try {
          auto connection = gateway.connect();
          for (;;) {
            Lot lot = make_lot(next++);
            const auto request = provide_and_register_mtom(lot.metadata, lot.documents);
            HttpReply reply;
            try {
              reply =
                  connection.request("POST", "/xds/repository", request.content_type, request.body);
            } catch (const std::exception&) {
              std::lock_guard lock(mutex);
              in_doubt.push_back(std::move(lot));
              return;
            }
            const auto answer = read_registry_answer(reply);
            std::lock_guard lock(mutex);
            if (answer.success()) {
              acknowledged.push_back(std::move(lot));
            } else {
              ++failures;
              BOOST_TEST_MESSAGE("unexpected answer: " << answer.codes());
              return;
            }
          }
        } catch (const std::exception&) {
          // Connecting after the kill: nothing was sent.
        }
      });
    }
    // Let lots flow, then crash in the middle of them.
    for (int i = 0; i < 600; ++i) {
      {
        std::lock_guard lock(mutex);
        if (acknowledged.size() >= 12 || failures > 0) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    const pid_t postmaster = postmaster_pid(data_dir);
    ::kill(gateway.child.id(), SIGKILL);
    ::kill(postmaster, SIGKILL);
    for (auto& client : clients) client.join();
    gateway.child.wait();
    for (int i = 0; i < 200 && process_alive(postmaster); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  BOOST_TEST_REQUIRE(failures.load() == 0);
  BOOST_TEST_REQUIRE(acknowledged.size() >= 12u);
  BOOST_TEST_MESSAGE(acknowledged.size()
                     << " lots acknowledged, " << in_doubt.size() << " in flight at the kill");

  // Restart on the same data directory: PostgreSQL recovers its WAL.
  std::size_t in_doubt_committed = 0;
  {
    GatewayProcess gateway(data_dir, dir.path() / "gateway-2.log");
    auto connection = gateway.connect();
    auto retrieve = [&](const Lot& lot) {
      std::vector<RetrieveKey> keys;
      for (const auto& id : lot.unique_ids) keys.push_back({kTestRepository, id});
      const auto request = retrieve_document_set(keys);
      return read_retrieve_answer(
          connection.request("POST", "/xds/repository", request.content_type, request.body));
    };
    for (const auto& lot : acknowledged) {
      const auto answer = retrieve(lot);
      BOOST_TEST_REQUIRE(answer.documents.size() == 2u);
      BOOST_TEST(answer.documents[0].bytes == lot.documents[0].bytes);
      BOOST_TEST(answer.documents[1].bytes == lot.documents[1].bytes);
    }
    for (const auto& lot : in_doubt) {
      const auto answer = retrieve(lot);
      // All or nothing, never one document of two.
      BOOST_TEST((answer.documents.size() == 0u || answer.documents.size() == 2u));
      if (answer.documents.size() == 2u) ++in_doubt_committed;
    }
    // And the restarted gateway takes new lots.
    const Lot lot = make_lot(999999);
    const auto request = provide_and_register_mtom(lot.metadata, lot.documents);
    BOOST_TEST(read_registry_answer(connection.request("POST", "/xds/repository",
                                                       request.content_type, request.body))
                   .success());
    ::kill(gateway.child.id(), SIGTERM);
    gateway.child.wait();
    BOOST_TEST(gateway.child.exit_code() == 0);
  }

  // No orphan: every content has its DocumentEntry and every DocumentEntry
  // of a stored lot has its content; lots are whole.
  store::ClusterOptions options = throwaway_cluster_options(dir.path());
  options.data_dir = data_dir;
  auto cluster = store::EmbeddedCluster::start(options);
  pqxx::connection connection(cluster->connection_uri());
  pqxx::read_transaction tx(connection);
  const auto orphan_contents =
      tx.exec1(
            "SELECT count(*) FROM contents c WHERE NOT EXISTS "
            "(SELECT 1 FROM document_entries d WHERE d.unique_id = c.unique_id)")[0]
          .as<long>();
  const auto orphan_chunks =
      tx.exec1(
            "SELECT count(*) FROM content_chunks k WHERE NOT EXISTS "
            "(SELECT 1 FROM contents c WHERE c.content_id = k.content_id)")[0]
          .as<long>();
  const auto documents_without_content =
      tx.exec1(
            "SELECT count(*) FROM document_entries d WHERE NOT EXISTS "
            "(SELECT 1 FROM contents c WHERE c.unique_id = d.unique_id)")[0]
          .as<long>();
  const auto documents = tx.exec1("SELECT count(*) FROM document_entries")[0].as<long>();
  const auto lots = tx.exec1("SELECT count(*) FROM lots")[0].as<long>();
  BOOST_TEST(orphan_contents == 0);
  BOOST_TEST(orphan_chunks == 0);
  BOOST_TEST(documents_without_content == 0);
  BOOST_TEST(documents == 2 * lots);
  BOOST_TEST(lots == static_cast<long>(acknowledged.size() + in_doubt_committed + 1));
}
