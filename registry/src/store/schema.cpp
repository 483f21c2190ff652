#include <array>
#include <string_view>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/registry/store.hpp"

namespace passerelle::store {
namespace {

struct Migration {
  int version;
  std::string_view sql;
};

// Append only: an applied migration is never edited, a change is a new one.
constexpr std::array kMigrations{
    Migration{1,
              "CREATE TABLE passerelle_schema_version ("
              " version integer PRIMARY KEY,"
              " applied_at timestamptz NOT NULL DEFAULT now())"},
};

// Any fixed key will do as long as nothing else on the database uses it; this
// one spells "PASSEREL" so it is recognisable in pg_locks.
constexpr std::string_view kMigrationLockKey = "5782995013630838092";

int current_version(pqxx::transaction_base& tx) {
  // Version 0 is a database where migration 1 never ran.
  const auto table = tx.exec1("SELECT to_regclass('passerelle_schema_version') IS NOT NULL");
  if (!table[0].as<bool>()) return 0;
  return tx.exec1("SELECT coalesce(max(version), 0) FROM passerelle_schema_version")[0].as<int>();
}

}  // namespace

void migrate(pqxx::connection& connection) {
  try {
    pqxx::work tx(connection);
    // Serialises gateways starting together; released at commit. Queries
    // after it see what a gateway that held it before us committed.
    tx.exec("SELECT pg_advisory_xact_lock(" + std::string(kMigrationLockKey) + ")");
    const int from = current_version(tx);
    const int latest = kMigrations.back().version;
    if (from > latest) {
      throw Failure(codes::kInternalError, "database schema",
                    "the database schema is at version " + std::to_string(from) +
                        ", newer than this build's " + std::to_string(latest) +
                        "; upgrade the gateway");
    }
    for (const auto& migration : kMigrations) {
      if (migration.version <= from) continue;
      tx.exec(std::string(migration.sql));
      tx.exec("INSERT INTO passerelle_schema_version (version) VALUES (" +
              std::to_string(migration.version) + ")");
    }
    tx.commit();
  } catch (const pqxx::failure& e) {
    throw Failure(codes::kInternalError, "database schema",
                  std::string("schema migration failed: ") + e.what());
  }
}

int schema_version(pqxx::connection& connection) {
  try {
    pqxx::read_transaction tx(connection);
    return current_version(tx);
  } catch (const pqxx::failure& e) {
    throw Failure(codes::kInternalError, "database schema",
                  std::string("cannot read the schema version: ") + e.what());
  }
}

}  // namespace passerelle::store
