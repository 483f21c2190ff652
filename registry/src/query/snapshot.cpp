#include "query/snapshot.hpp"

#include <functional>

#include "store/document_store_internal.hpp"

namespace passerelle::registry::query {

std::string Sql::bind(const std::string& value) {
  args_.push_back(value);
  return "$" + std::to_string(args_.size());
}

std::string Sql::array(const std::vector<std::string>& values) {
  return bind(store::detail::text_array(values)) + "::text[]";
}

pqxx::transaction_base& Snapshot::tx() {
  if (!tx_) tx_.emplace(connection_);
  return *tx_;
}

pqxx::result Snapshot::exec(const Sql& q) { return run(tx(), q); }

pqxx::result Snapshot::exec_last(const Sql& q) {
  if (tx_) return run(*tx_, q);
  pqxx::nontransaction single(connection_);
  return run(single, q);
}

// Prepared under a name derived from the text, so each query shape is parsed
// (and, with the pool's generic plans, planned) once per connection; only the
// values change between calls. Should two texts ever share a name, libpqxx
// refuses the redefinition (argument_error) rather than run the wrong one.
pqxx::result Snapshot::run(pqxx::transaction_base& tx, const Sql& q) {
  const auto name = "sq_" + std::to_string(std::hash<std::string>{}(q.text));
  connection_.prepare(name, q.text);
  return tx.exec_prepared(name, pqxx::prepare::make_dynamic_params(q.args()));
}

}  // namespace passerelle::registry::query
