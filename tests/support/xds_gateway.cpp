#include "xds_gateway.hpp"

#include <atomic>

#include "lot_signing.hpp"
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

XdsTestGateway::XdsTestGateway(std::shared_ptr<const registry::Profile> profile_,
                               XdsGatewayOptions gateway_options)
    : uri(ThrowawayDatabase::shared().create_database(next_database_name())),
      pool(std::make_shared<store::ConnectionPool>(uri, 4)),
      // The shipped dmp profile but for lot signatures, which most tests do
      // not carry (lot_signature_test checks them with the shipped profile).
      profile(profile_ ? std::move(profile_) : dmp_profile_without_lot_signatures()) {
  {
    auto connection = pool->acquire();
    store::migrate(*connection);
  }
  store::RecordStore(*pool).create(
      {kTestPatient, "DUPONT", "Marie", "1970-01-01", "F", "", "", "", ""});
  TestServerOptions options;
  options.db_uri = uri;
  // issue 6: VIHF settings (XdsGatewayOptions)
  options.mutual_tls = gateway_options.mutual_tls;
  options.operator_token = gateway_options.operator_token;
  options.customize = [gateway_options](gateway::ServerConfig& config) {
    config.vihf = gateway_options.vihf;
    config.vihf_trust = pki("ca.pem");
    if (gateway_options.customize) gateway_options.customize(config);
  };
  if (profile->access_policy && !gateway_options.access_policy) {  // issue 6
    auto without_policy = *profile;
    without_policy.access_policy = false;
    profile = std::make_shared<const registry::Profile>(std::move(without_policy));
  }
  gateway::XdsDependencies dependencies{
      pool, profile, kTestRepository, {}, gateway_options.max_query_results};
  if (gateway_options.customize_xds) gateway_options.customize_xds(dependencies);  // issue 10
  options.router = gateway::make_xds_router(dependencies);
  server = std::make_unique<TestServer>(std::move(options));
}

HttpReply XdsTestGateway::post(const std::string& path, const HttpRequestBody& request) const {
  auto connection = server->connect();
  return connection.request("POST", path, request.content_type, request.body);
}

store::XdsStore::Counts XdsTestGateway::counts() const { return store::XdsStore(*pool).counts(); }

std::string XdsTestGateway::base() const {
  return "https://localhost:" + std::to_string(server->endpoint().port());
}

}  // namespace passerelle::testing
