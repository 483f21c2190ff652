#pragma once

// The database side of one stored query: parameterised SQL prepared once
// per connection, run in a read-only repeatable-read transaction that is
// opened only when the query needs more than one statement (a single
// statement sees one snapshot by itself, and BEGIN/COMMIT were two of the
// four round trips of a FindDocuments).

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace passerelle::registry::query {

class Sql {
 public:
  std::string text;
  std::string bind(const std::string& value);
  std::string array(const std::vector<std::string>& values);
  const std::vector<std::string>& args() const { return args_; }

 private:
  std::vector<std::string> args_;
};

class Snapshot {
 public:
  explicit Snapshot(pqxx::connection& connection) : connection_(connection) {}

  // In the transaction, begun here if need be: the statements of one query
  // see the same snapshot.
  pqxx::result exec(const Sql& q);
  // The last statement of a query: in the transaction if one was begun,
  // else on its own.
  pqxx::result exec_last(const Sql& q);
  // The transaction, begun at the first call.
  pqxx::transaction_base& tx();
  void commit() {
    if (tx_) tx_->commit();
  }

 private:
  pqxx::result run(pqxx::transaction_base& tx, const Sql& q);

  pqxx::connection& connection_;
  std::optional<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>> tx_;
};

}  // namespace passerelle::registry::query
