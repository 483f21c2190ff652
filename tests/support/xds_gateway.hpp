#pragma once

// The gateway of the XDS integration tests: a fresh database in the test
// program's throwaway cluster, an affinity domain profile (the shipped dmp
// one by default), a record for kTestPatient, and the XDS endpoints over TLS.

#include <memory>
#include <string>

#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/store.hpp"
#include "test_server.hpp"
#include "xds_client.hpp"

namespace passerelle::testing {

class XdsTestGateway {
 public:
  explicit XdsTestGateway(std::shared_ptr<const registry::Profile> profile = nullptr);

  HttpReply post(const std::string& path, const HttpRequestBody& request) const;
  store::XdsStore::Counts counts() const;

  std::string uri;
  std::shared_ptr<store::ConnectionPool> pool;
  std::shared_ptr<const registry::Profile> profile;
  std::unique_ptr<TestServer> server;
};

}  // namespace passerelle::testing
