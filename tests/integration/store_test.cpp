#define BOOST_TEST_MODULE store
#include <boost/test/unit_test.hpp>
// Module name first, then Boost.Test: kept apart from the includes below.
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <barrier>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/registry/store.hpp"
#include "pg_cluster.hpp"
#include "temp_dir.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace store = passerelle::store;
using passerelle::testing::TempDir;
using passerelle::testing::throwaway_cluster_options;
using passerelle::testing::ThrowawayDatabase;
using Clock = std::chrono::steady_clock;

constexpr int kLatestSchemaVersion = 5;

bool is_root() { return ::geteuid() == 0; }

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// Runs a program found on PATH with stdout and stderr captured together.
CommandResult run_command(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::array<int, 2> fds{};
  BOOST_REQUIRE_EQUAL(::pipe(fds.data()), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  CommandResult result;
  if (spawned == 0) {
    std::array<char, 4096> chunk{};
    ssize_t got = 0;
    while ((got = ::read(fds[0], chunk.data(), chunk.size())) > 0) {
      result.output.append(chunk.data(), static_cast<std::size_t>(got));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ::close(fds[0]);
  BOOST_REQUIRE_MESSAGE(spawned == 0, "cannot run " + args.front());
  return result;
}

uid_t uid_of(const std::string& user) {
  const passwd* entry = ::getpwnam(user.c_str());
  BOOST_REQUIRE(entry != nullptr);
  return entry->pw_uid;
}

std::string query_one(const std::string& uri, const std::string& sql) {
  pqxx::connection connection(uri);
  pqxx::nontransaction tx(connection);
  return tx.exec1(sql)[0].c_str();
}

bool is_internal_error(const passerelle::Failure& failure) {
  return failure.error().code == passerelle::codes::kInternalError;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cluster)

BOOST_AUTO_TEST_CASE(starts_as_the_account_listening_only_on_a_socket) {
  const auto begin = Clock::now();
  ThrowawayDatabase db;
  BOOST_TEST_MESSAGE("initdb + start: " << seconds_since(begin) << " s");

  BOOST_TEST(db.uri().find("postgresql:///passerelle?host=/tmp/passerelle-pg-") == 0);
  BOOST_TEST(query_one(db.uri(), "SELECT current_database()") == "passerelle");
  BOOST_TEST(query_one(db.uri(), "SHOW listen_addresses") == "");
  BOOST_TEST(query_one(db.uri(), "SHOW fsync") == "off");
  BOOST_TEST(query_one(db.uri(), "SHOW server_encoding") == "UTF8");
  if (is_root()) {
    const uid_t postgres = uid_of(db.options().run_as_user);
    struct stat info {};
    BOOST_REQUIRE_EQUAL(::stat(db.data_dir().c_str(), &info), 0);
    BOOST_TEST(info.st_uid == postgres);
    BOOST_TEST(query_one(db.uri(), "SELECT current_user") == db.options().run_as_user);
    // The backend is looked at while its connection is open: it exits with it.
    pqxx::connection connection(db.uri());
    pqxx::nontransaction tx(connection);
    const auto pid = tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
    BOOST_REQUIRE_EQUAL(::stat(("/proc/" + std::to_string(pid)).c_str(), &info), 0);
    BOOST_TEST(info.st_uid == postgres);
  }

  const auto stopping = Clock::now();
  db.cluster().stop();
  BOOST_TEST_MESSAGE("stop: " << seconds_since(stopping) << " s");
  BOOST_TEST(!fs::exists(db.data_dir() / "postmaster.pid"));
}

BOOST_AUTO_TEST_CASE(restarts_on_an_existing_data_dir_without_initdb) {
  TempDir dir;
  const auto options = throwaway_cluster_options(dir.path());
  fs::file_time_type initialised;
  {
    auto cluster = store::EmbeddedCluster::start(options);
    pqxx::connection connection(cluster->connection_uri());
    pqxx::work tx(connection);
    tx.exec("CREATE TABLE survivor (n int)");
    tx.exec("INSERT INTO survivor VALUES (42)");
    tx.commit();
    initialised = fs::last_write_time(options.data_dir / "PG_VERSION");
  }
  const auto begin = Clock::now();
  auto cluster = store::EmbeddedCluster::start(options);
  BOOST_TEST_MESSAGE("start on existing data dir: " << seconds_since(begin) << " s");
  BOOST_TEST(query_one(cluster->connection_uri(), "SELECT n FROM survivor") == "42");
  BOOST_TEST((fs::last_write_time(options.data_dir / "PG_VERSION") == initialised));
}

BOOST_AUTO_TEST_CASE(removes_a_stale_pid_file) {
  TempDir dir;
  const auto options = throwaway_cluster_options(dir.path());
  store::EmbeddedCluster::start(options)->stop();

  // A pid that surely names no live process: a child we have reaped.
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  {
    std::ofstream pid_file(options.data_dir / "postmaster.pid");
    pid_file << dead << '\n' << options.data_dir.string() << "\n1700000000\n5432\n/tmp\n\n";
  }
  if (is_root()) {
    BOOST_REQUIRE_EQUAL(::chown((options.data_dir / "postmaster.pid").c_str(),
                                uid_of(options.run_as_user), static_cast<gid_t>(-1)),
                        0);
  }

  auto cluster = store::EmbeddedCluster::start(options);
  BOOST_TEST(query_one(cluster->connection_uri(), "SELECT 1") == "1");
}

BOOST_AUTO_TEST_CASE(takes_over_a_postmaster_left_running) {
  TempDir dir;
  const auto options = throwaway_cluster_options(dir.path());
  auto orphan = store::EmbeddedCluster::start(options);
  auto successor = store::EmbeddedCluster::start(options);
  BOOST_TEST(orphan->connection_uri() != successor->connection_uri());
  BOOST_TEST(query_one(successor->connection_uri(), "SELECT 1") == "1");
  BOOST_CHECK_THROW(query_one(orphan->connection_uri(), "SELECT 1"), pqxx::broken_connection);
  successor->stop();
  // The orphan's server is gone already: stopping it is not an error.
  BOOST_CHECK_NO_THROW(orphan->stop());
}

BOOST_AUTO_TEST_CASE(fails_clearly_for_an_unknown_account) {
  if (!is_root()) return;
  TempDir dir;
  auto options = throwaway_cluster_options(dir.path());
  options.run_as_user = "passerelle-no-such-user";
  BOOST_CHECK_EXCEPTION(store::EmbeddedCluster::start(options), passerelle::Failure,
                        [](const passerelle::Failure& failure) {
                          return is_internal_error(failure) &&
                                 std::string(failure.what()).find("passerelle-no-such-user") !=
                                     std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(names_the_directory_the_account_cannot_enter) {
  if (!is_root()) return;
  TempDir dir;  // 0700 root: closed to the postgres account
  store::ClusterOptions options;
  options.data_dir = dir.path() / "nested" / "data";
  BOOST_CHECK_EXCEPTION(store::EmbeddedCluster::start(options), passerelle::Failure,
                        [&](const passerelle::Failure& failure) {
                          const std::string what = failure.what();
                          BOOST_TEST_MESSAGE(what);
                          return is_internal_error(failure) &&
                                 what.find("directory " + dir.path().string() + " ") !=
                                     std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(reports_what_initdb_said) {
  TempDir dir;
  const auto options = throwaway_cluster_options(dir.path());
  fs::create_directories(options.data_dir);
  std::ofstream(options.data_dir / "stray-file") << "not a cluster\n";
  BOOST_CHECK_EXCEPTION(store::EmbeddedCluster::start(options), passerelle::Failure,
                        [](const passerelle::Failure& failure) {
                          const std::string what = failure.what();
                          BOOST_TEST_MESSAGE(what);
                          return is_internal_error(failure) &&
                                 what.find("initdb") != std::string::npos &&
                                 what.find("not empty") != std::string::npos;
                        });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(schema)

BOOST_AUTO_TEST_CASE(migrate_is_idempotent) {
  const auto uri = ThrowawayDatabase::shared().create_database("migrate_twice");
  pqxx::connection connection(uri);
  BOOST_TEST(store::schema_version(connection) == 0);
  store::migrate(connection);
  BOOST_TEST(store::schema_version(connection) == kLatestSchemaVersion);
  store::migrate(connection);
  BOOST_TEST(store::schema_version(connection) == kLatestSchemaVersion);
  BOOST_TEST(query_one(uri, "SELECT count(*) FROM passerelle_schema_version") ==
             std::to_string(kLatestSchemaVersion));
}

BOOST_AUTO_TEST_CASE(concurrent_migrations_agree) {
  for (int round = 0; round < 5; ++round) {
    const auto uri =
        ThrowawayDatabase::shared().create_database("migrate_race_" + std::to_string(round));
    constexpr int kGateways = 3;
    std::barrier start_together(kGateways);
    std::array<int, kGateways> versions{};
    std::array<std::string, kGateways> errors;
    {
      std::vector<std::jthread> gateways;
      for (int i = 0; i < kGateways; ++i) {
        gateways.emplace_back([&, i] {
          bool arrived = false;
          try {
            pqxx::connection connection(uri);
            arrived = true;
            start_together.arrive_and_wait();
            store::migrate(connection);
            versions[i] = store::schema_version(connection);
          } catch (const std::exception& e) {
            errors[i] = e.what();
            if (!arrived) start_together.arrive_and_drop();
          }
        });
      }
    }
    for (int i = 0; i < kGateways; ++i) {
      BOOST_TEST(errors[i] == "");
      BOOST_TEST(versions[i] == kLatestSchemaVersion);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pool)

BOOST_AUTO_TEST_CASE(acquires_lazily_and_reuses) {
  store::ConnectionPool pool(ThrowawayDatabase::shared().uri(), 2);
  BOOST_TEST(pool.stats().size == 0u);
  {
    auto first = pool.acquire();
    auto second = pool.acquire();
    pqxx::nontransaction tx(*first);
    BOOST_TEST(tx.exec1("SELECT 1")[0].as<int>() == 1);
    const auto stats = pool.stats();
    BOOST_TEST(stats.size == 2u);
    BOOST_TEST(stats.in_use == 2u);
  }
  auto again = pool.acquire();
  const auto stats = pool.stats();
  BOOST_TEST(stats.size == 2u);
  BOOST_TEST(stats.in_use == 1u);
  BOOST_TEST(stats.acquired_total == 3u);
  BOOST_TEST(stats.timeouts_total == 0u);
}

BOOST_AUTO_TEST_CASE(times_out_when_exhausted) {
  store::ConnectionPool pool(ThrowawayDatabase::shared().uri(), 1);
  auto held = std::make_optional(pool.acquire());
  const auto begin = Clock::now();
  BOOST_CHECK_EXCEPTION(pool.acquire(std::chrono::milliseconds(100)), passerelle::Failure,
                        is_internal_error);
  BOOST_TEST(seconds_since(begin) >= 0.1);
  BOOST_TEST(pool.stats().timeouts_total == 1u);

  // A waiter is served as soon as the lease comes back.
  std::jthread releaser([&] {
    while (pool.stats().waiting == 0) std::this_thread::yield();
    held.reset();
  });
  auto served = pool.acquire(std::chrono::seconds(5));
  BOOST_TEST(pool.stats().timeouts_total == 1u);
  BOOST_TEST(pool.stats().size == 1u);
}

BOOST_AUTO_TEST_CASE(replaces_a_connection_the_server_dropped) {
  store::ConnectionPool pool(ThrowawayDatabase::shared().uri(), 1);
  int victim = 0;
  {
    auto lease = pool.acquire();
    victim = pqxx::nontransaction(*lease).exec1("SELECT pg_backend_pid()")[0].as<int>();
    query_one(pool.uri(), "SELECT pg_terminate_backend(" + std::to_string(victim) + ")");
    BOOST_CHECK_THROW(pqxx::nontransaction(*lease).exec("SELECT 1"), pqxx::broken_connection);
  }
  BOOST_TEST(pool.stats().size == 0u);
  auto lease = pool.acquire();
  const int replacement =
      pqxx::nontransaction(*lease).exec1("SELECT pg_backend_pid()")[0].as<int>();
  BOOST_TEST(replacement != victim);
}

BOOST_AUTO_TEST_CASE(reports_an_unreachable_database) {
  TempDir dir;
  store::ConnectionPool pool("postgresql:///nowhere?host=" + dir.path().string(), 1);
  BOOST_CHECK_EXCEPTION(pool.acquire(), passerelle::Failure, is_internal_error);
  BOOST_TEST(pool.stats().size == 0u);
  BOOST_TEST(pool.stats().in_use == 0u);
  BOOST_TEST(!pool.ping());
}

BOOST_AUTO_TEST_CASE(ping_follows_the_server) {
  ThrowawayDatabase db;
  store::ConnectionPool pool(db.uri(), 2);
  BOOST_TEST(pool.ping());
  db.cluster().stop();
  BOOST_TEST(!pool.ping(std::chrono::milliseconds(500)));
  BOOST_TEST(pool.stats().in_use == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pki)

namespace {

fs::path script() { return fs::path(PASSERELLE_SOURCE_DIR) / "certs" / "make-test-pki.sh"; }

// The ctest fixture makes it; running the (idempotent) script again keeps
// the test usable on its own.
fs::path pki_dir() {
  const fs::path dir = PASSERELLE_TEST_PKI_DIR;
  const auto made = run_command({script(), dir});
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.output);
  return dir;
}

CommandResult verify(const fs::path& ca, const fs::path& cert, const std::string& purpose = "any") {
  return run_command({"openssl", "verify", "-purpose", purpose, "-CAfile", ca, cert});
}

}  // namespace

BOOST_AUTO_TEST_CASE(certificates_chain_to_the_test_ca) {
  const auto dir = pki_dir();
  const auto ca = dir / "ca.pem";
  BOOST_TEST(verify(ca, dir / "server.pem", "sslserver").exit_code == 0);
  BOOST_TEST(verify(ca, dir / "structure.pem", "sslclient").exit_code == 0);
  BOOST_TEST(verify(ca, dir / "professional.pem").exit_code == 0);
  BOOST_TEST(verify(dir / "foreign-ca.pem", dir / "foreign-client.pem", "sslclient").exit_code ==
             0);
}

BOOST_AUTO_TEST_CASE(bad_certificates_are_bad_for_the_right_reason) {
  const auto dir = pki_dir();
  const auto expired = verify(dir / "ca.pem", dir / "expired.pem");
  BOOST_TEST(expired.exit_code != 0);
  BOOST_TEST(expired.output.find("certificate has expired") != std::string::npos);
  const auto foreign = verify(dir / "ca.pem", dir / "foreign-client.pem");
  BOOST_TEST(foreign.exit_code != 0);
  BOOST_TEST(foreign.output.find("unable to get local issuer certificate") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(certificates_carry_the_expected_fields) {
  const auto dir = pki_dir();
  const auto server = run_command(
      {"openssl", "x509", "-in", dir / "server.pem", "-noout", "-ext", "subjectAltName"});
  BOOST_TEST(server.output.find("DNS:localhost") != std::string::npos);
  BOOST_TEST(server.output.find("IP Address:127.0.0.1") != std::string::npos);
  BOOST_TEST(server.output.find("IP Address:0:0:0:0:0:0:0:1") != std::string::npos);
  const auto structure =
      run_command({"openssl", "x509", "-in", dir / "structure.pem", "-noout", "-subject"});
  BOOST_TEST(structure.output.find("OU = 10B0152872") != std::string::npos);
  const auto professional = run_command({"openssl", "x509", "-in", dir / "professional.pem",
                                         "-noout", "-subject", "-ext", "keyUsage"});
  BOOST_TEST(professional.output.find("CN = 810000000001") != std::string::npos);
  BOOST_TEST(professional.output.find("Non Repudiation") != std::string::npos);
  // Every key belongs to its certificate.
  for (const char* name :
       {"ca", "server", "structure", "professional", "expired", "foreign-ca", "foreign-client"}) {
    const auto from_cert = run_command(
        {"openssl", "x509", "-in", dir / (std::string(name) + ".pem"), "-noout", "-pubkey"});
    const auto from_key =
        run_command({"openssl", "pkey", "-in", dir / (std::string(name) + ".key"), "-pubout"});
    BOOST_TEST(from_cert.output == from_key.output, name);
  }
}

BOOST_AUTO_TEST_CASE(script_is_idempotent) {
  TempDir dir;
  const auto out = dir.path() / "pki";
  BOOST_REQUIRE_EQUAL(run_command({script(), out}).exit_code, 0);
  const auto made = fs::last_write_time(out / "ca.pem");
  const auto begin = Clock::now();
  BOOST_REQUIRE_EQUAL(run_command({script(), out}).exit_code, 0);
  BOOST_TEST(seconds_since(begin) < 2.0);
  BOOST_TEST((fs::last_write_time(out / "ca.pem") == made));
}

BOOST_AUTO_TEST_SUITE_END()
