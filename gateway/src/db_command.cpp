#include "db_command.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/gateway/config.hpp"
#include "passerelle/registry/store.hpp"

namespace passerelle::gateway {
namespace {

struct DbState {
  ServerConfig config;  // only the database fields are used
  CLI::App* migrate = nullptr;
};

int run_migrate(const DbState& state) {
  const ServerConfig& config = state.config;
  try {
    std::unique_ptr<store::EmbeddedCluster> cluster;
    std::string uri = config.db_uri;
    if (uri.empty()) {
      // As `serve` starts it (gateway/src/serve.cpp).
      store::ClusterOptions options;
      options.data_dir = std::filesystem::absolute(config.data_dir);
      options.run_as_user = config.db_run_as_user;
      cluster = store::EmbeddedCluster::start(options);
      uri = cluster->connection_uri();
    }
    int version = 0;
    {
      store::ConnectionPool pool(uri, 1);
      auto connection = pool.acquire();
      store::migrate(*connection);
      version = store::schema_version(*connection);
    }
    if (cluster) cluster->stop();
    std::cout << "schema version " << version << std::endl;
    return 0;
  } catch (const Failure& failure) {
    const auto& error = failure.error();
    std::cerr << "passerelle db migrate: " << (error.location.empty() ? "" : error.location + ": ")
              << error.message << std::endl;
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "passerelle db migrate: " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace

DbCommand add_db_command(CLI::App& app) {
  auto state = std::make_shared<DbState>();
  CLI::App* db = app.add_subcommand("db", "database maintenance");
  db->require_subcommand(1);
  state->migrate = db->add_subcommand(
      "migrate", "bring the database schema to this version of passerelle and print the version");
  auto* uri = state->migrate->add_option("--db", state->config.db_uri,
                                         "external PostgreSQL, postgresql://…");
  auto* data_dir = state->migrate->add_option(
      "--data-dir", state->config.data_dir,
      "directory of the embedded PostgreSQL cluster (created when missing)");
  uri->excludes(data_dir);
  data_dir->excludes(uri);
  state->migrate
      ->add_option("--db-user", state->config.db_run_as_user,
                   "account that runs the embedded PostgreSQL when started as root")
      ->capture_default_str();
  // One of --db / --data-dir is required.
  state->migrate->callback([uri, data_dir] {
    if (uri->count() == 0 && data_dir->count() == 0) {
      throw CLI::RequiredError("--db or --data-dir");
    }
  });
  return {db, [state] { return run_migrate(*state); }};
}

}  // namespace passerelle::gateway
