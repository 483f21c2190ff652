#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "passerelle/registry/store.hpp"
#include "temp_dir.hpp"

namespace passerelle::testing {

// A private PostgreSQL cluster in a temporary directory, for one test or a
// whole test module: started by the constructor, stopped and deleted by the
// destructor. Runs as the `postgres` account when the tests run as root.
//
//   BOOST_TEST_GLOBAL_FIXTURE(...) cannot hand the instance to test cases, so
//   for a module-wide cluster use shared(); otherwise a local object.
class ThrowawayDatabase {
 public:
  ThrowawayDatabase();
  ~ThrowawayDatabase();
  ThrowawayDatabase(const ThrowawayDatabase&) = delete;
  ThrowawayDatabase& operator=(const ThrowawayDatabase&) = delete;

  // Started on first use, stopped at process exit: one cluster per test
  // program when tests only need a database, not a cluster of their own.
  static ThrowawayDatabase& shared();

  const std::string& uri() const { return cluster_->connection_uri(); }
  const store::ClusterOptions& options() const { return options_; }
  const std::filesystem::path& data_dir() const { return options_.data_dir; }
  store::EmbeddedCluster& cluster() { return *cluster_; }

  // Creates another database in the cluster (a clean slate for one test)
  // and returns its URI.
  std::string create_database(const std::string& name);

 private:
  TempDir root_;
  store::ClusterOptions options_;
  std::unique_ptr<store::EmbeddedCluster> cluster_;
};

// Options for a cluster under `dir` that the postgres account can reach
// (dir is made traversable). fsync is off: test data need not survive a crash.
store::ClusterOptions throwaway_cluster_options(const std::filesystem::path& dir);

}  // namespace passerelle::testing
