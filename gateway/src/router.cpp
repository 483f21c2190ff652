#include "passerelle/gateway/router.hpp"

#include <algorithm>

namespace passerelle::gateway {

void Router::add_endpoint(const std::string& path) { endpoints_[path]; }

void Router::add(const std::string& path, Operation operation) {
  auto action = operation.action;
  endpoints_[path][action] = std::move(operation);
}

bool Router::has_endpoint(const std::string& path) const { return endpoints_.contains(path); }

const Operation* Router::find(const std::string& path, const std::string& action) const {
  auto endpoint = endpoints_.find(path);
  if (endpoint == endpoints_.end()) return nullptr;
  auto operation = endpoint->second.find(action);
  return operation == endpoint->second.end() ? nullptr : &operation->second;
}

std::vector<soap::QName> Router::understood_headers(const std::string& path) const {
  std::vector<soap::QName> headers;
  auto endpoint = endpoints_.find(path);
  if (endpoint == endpoints_.end()) return headers;
  for (const auto& [action, operation] : endpoint->second) {
    for (const auto& header : operation.understood_headers) {
      if (std::find(headers.begin(), headers.end(), header) == headers.end()) {
        headers.push_back(header);
      }
    }
  }
  return headers;
}

bool Router::is_known_action(const std::string& action) const {
  return std::any_of(endpoints_.begin(), endpoints_.end(),
                     [&](const auto& endpoint) { return endpoint.second.contains(action); });
}

Router make_xds_router() {
  Router router;
  router.add_endpoint(kRegistryPath);
  router.add_endpoint(kRepositoryPath);
  router.add_endpoint(kCombinedPath);
  return router;
}

}  // namespace passerelle::gateway
