#include <stdexcept>

#include "lot_registration.hpp"
#include "passerelle/registry/transactions.hpp"

namespace passerelle::registry {

Registry::Registry(std::shared_ptr<store::ConnectionPool> pool, RegistryOptions options)
    : pool_(std::move(pool)), options_(std::move(options)) {
  if (!pool_) throw std::invalid_argument("Registry needs a connection pool");
  if (!options_.profile) throw std::invalid_argument("Registry needs a profile");
}

RegistryResponse Registry::register_document_set(SubmitObjectsRequest request,
                                                 const store::TransactionHook& before_commit) {
  return detail::register_lot(*pool_, *options_.profile, std::move(request), {}, before_commit);
}

RegistryResponse Registry::update_document_set(SubmitObjectsRequest request,
                                               const store::TransactionHook& before_commit) {
  return detail::update_document_set(*pool_, *options_.profile, std::move(request), before_commit);
}

}  // namespace passerelle::registry
