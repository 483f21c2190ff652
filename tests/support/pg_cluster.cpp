#include "pg_cluster.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <system_error>

namespace passerelle::testing {

store::ClusterOptions throwaway_cluster_options(const std::filesystem::path& dir) {
  // mkdtemp makes dir 0700 root-owned: search permission lets the postgres
  // account reach the data directory inside without listing anything.
  if (::chmod(dir.c_str(), 0711) != 0) {
    throw std::system_error(errno, std::generic_category(), "chmod " + dir.string());
  }
  store::ClusterOptions options;
  options.data_dir = dir / "data";
  options.fsync = false;
  return options;
}

ThrowawayDatabase::ThrowawayDatabase()
    : root_("passerelle-pg-test"),
      options_(throwaway_cluster_options(root_.path())),
      cluster_(store::EmbeddedCluster::start(options_)) {}

// Members go in reverse order: the cluster stops before its directory goes.
ThrowawayDatabase::~ThrowawayDatabase() = default;

ThrowawayDatabase& ThrowawayDatabase::shared() {
  static ThrowawayDatabase database;
  return database;
}

std::string ThrowawayDatabase::create_database(const std::string& name) {
  {
    pqxx::connection connection(uri());
    pqxx::nontransaction tx(connection);
    tx.exec("CREATE DATABASE " + tx.quote_name(name));
  }
  // Same socket and user as uri(), another database name (names used by
  // tests are plain identifiers, so no percent-encoding is needed).
  const std::string& base = uri();
  const auto query = base.find('?');
  return "postgresql:///" + name + base.substr(query);
}

}  // namespace passerelle::testing
