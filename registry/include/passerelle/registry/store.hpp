#pragma once

// The PostgreSQL side of the registry: the embedded private cluster the
// gateway runs by default, a small connection pool, and schema migration.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace passerelle::store {

struct ClusterOptions {
  std::filesystem::path data_dir;  // created (and initdb'd) when missing
  // When the process runs as root, initdb/postgres run as this account and
  // data_dir is chowned to it (PostgreSQL refuses to run as root).
  std::string run_as_user = "postgres";
  // Directory of initdb/pg_ctl; empty = the newest /usr/lib/postgresql/*/bin.
  std::filesystem::path bin_dir;
  std::string database = "passerelle";
  // Off only for throwaway test clusters: a crash may then corrupt the data.
  bool fsync = true;
};

// A private PostgreSQL cluster listening only on a Unix socket. Started by
// start(), stopped (fast mode) by stop() or the destructor.
class EmbeddedCluster {
 public:
  static std::unique_ptr<EmbeddedCluster> start(const ClusterOptions& options);
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  // libpq URI, e.g. postgresql:///passerelle?host=/tmp/pg-XXXX&user=postgres
  const std::string& connection_uri() const { return uri_; }
  void stop();

 private:
  EmbeddedCluster() = default;
  ClusterOptions options_;
  std::filesystem::path socket_dir_;
  std::string uri_;
  bool running_ = false;
};

struct PoolStats {
  std::size_t size = 0;
  std::size_t in_use = 0;
  std::size_t waiting = 0;
  std::uint64_t acquired_total = 0;
  std::uint64_t timeouts_total = 0;
};

// Fixed-size pool of libpqxx connections, opened lazily, reopened when broken.
class ConnectionPool {
 public:
  ConnectionPool(std::string uri, std::size_t size);
  ~ConnectionPool();

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection);
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pqxx::connection& operator*() const { return *connection_; }
    pqxx::connection* operator->() const { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> connection_;
  };

  // Throws Failure(codes::kInternalError) when no connection frees up in time
  // or the database cannot be reached.
  Lease acquire(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when a connection answers SELECT 1 within the timeout.
  bool ping(std::chrono::milliseconds timeout = std::chrono::seconds(2));
  PoolStats stats() const;
  const std::string& uri() const { return uri_; }

 private:
  void give_back(std::unique_ptr<pqxx::connection> connection);

  std::string uri_;
  std::size_t size_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t open_ = 0;
  std::size_t in_use_ = 0;
  std::size_t waiting_ = 0;
  std::uint64_t acquired_total_ = 0;
  std::uint64_t timeouts_total_ = 0;
};

// Brings the schema to the version this build expects, in one transaction.
// Idempotent; records applied versions in passerelle_schema_version.
void migrate(pqxx::connection& connection);
int schema_version(pqxx::connection& connection);

}  // namespace passerelle::store
