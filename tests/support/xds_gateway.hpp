#pragma once

// The gateway of the XDS integration tests: a fresh database in the test
// program's throwaway cluster, an affinity domain profile (the shipped dmp
// one by default), a record for kTestPatient, and the XDS endpoints over TLS.

#include <functional>
#include <memory>
#include <string>

#include "passerelle/gateway/xds_service.hpp"  // issue 10: customize_xds
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/store.hpp"
#include "test_server.hpp"
#include "xds_client.hpp"

namespace passerelle::testing {

// issue 6: the VIHF and the channel. By default a VIHF is optional (verified
// when present, against the test CA), whatever the profile says, so tests
// that send none keep running under `dmp`.
struct XdsGatewayOptions {
  std::string vihf = "optional";  // "required" to enforce it, as `dmp` does under serve
  bool mutual_tls = false;
  std::function<void(gateway::ServerConfig&)> customize;  // after the VIHF settings
  std::size_t max_query_results = 1000;                   // issue 6: ITI-18 LeafClass cap
  // issue 6: the profile's access policy (R-AUTH/READ/DOC/CHG) is off unless
  // asked for, so tests that send a VIHF without declaring consent keep
  // testing what they test (access_policy_test turns it on).
  bool access_policy = false;
  // issue 10: what the XDS router is given beyond the above (export signing
  // key, download misuse settings…), changed last.
  std::function<void(gateway::XdsDependencies&)> customize_xds;
  std::string operator_token;  // non-empty: the operator API is on, with this bearer token
};

class XdsTestGateway {
 public:
  explicit XdsTestGateway(std::shared_ptr<const registry::Profile> profile = nullptr,
                          XdsGatewayOptions gateway_options = {});

  HttpReply post(const std::string& path, const HttpRequestBody& request) const;
  store::XdsStore::Counts counts() const;
  // https://localhost:<port>: the name the test server certificate carries.
  std::string base() const;

  std::string uri;
  std::shared_ptr<store::ConnectionPool> pool;
  std::shared_ptr<const registry::Profile> profile;
  std::unique_ptr<TestServer> server;
};

}  // namespace passerelle::testing
