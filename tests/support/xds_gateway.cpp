#include "xds_gateway.hpp"

#include <atomic>

#include "passerelle/gateway/xds_service.hpp"
#include "passerelle/registry/records.hpp"
#include "pg_cluster.hpp"

namespace passerelle::testing {
namespace {

std::string next_database_name() {
  static std::atomic<int> counter{0};
  return "xds_" + std::to_string(++counter);
}

}  // namespace

XdsTestGateway::XdsTestGateway(std::shared_ptr<const registry::Profile> profile_)
    : uri(ThrowawayDatabase::shared().create_database(next_database_name())),
      pool(std::make_shared<store::ConnectionPool>(uri, 4)),
      profile(profile_ ? std::move(profile_)
                       : std::make_shared<const registry::Profile>(
                             registry::load_named_profile("dmp"))) {
  {
    auto connection = pool->acquire();
    store::migrate(*connection);
  }
  store::RecordStore(*pool).create(
      {kTestPatient, "DUPONT", "Marie", "1970-01-01", "F", "", "", "", ""});
  TestServerOptions options;
  options.db_uri = uri;
  options.router =
      gateway::make_xds_router(gateway::XdsDependencies{pool, profile, kTestRepository, {}});
  server = std::make_unique<TestServer>(std::move(options));
}

HttpReply XdsTestGateway::post(const std::string& path, const HttpRequestBody& request) const {
  auto connection = server->connect();
  return connection.request("POST", path, request.content_type, request.body);
}

store::XdsStore::Counts XdsTestGateway::counts() const { return store::XdsStore(*pool).counts(); }

}  // namespace passerelle::testing
