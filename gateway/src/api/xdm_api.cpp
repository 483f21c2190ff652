#include "api/xdm_api.hpp"

#include "api/records_api.hpp"
#include "api/xdm_body_limit.hpp"
#include "api/xdm_export_api.hpp"
#include "api/xdm_import_api.hpp"
#include "xdm_submission.hpp"

namespace passerelle::gateway::api {
namespace {

namespace http = boost::beast::http;

constexpr std::string_view kExportPath = "/api/v1/xdm/export";

// ServerConfig cannot include the registry; its defaults must stay the library's.
static_assert(kXdmMaxEntries == registry::xdm::Limits{}.max_entries);
static_assert(kXdmMaxBytes == registry::xdm::Limits{}.max_expanded_bytes);
static_assert(kXdmMaxRatio == registry::xdm::Limits{}.max_compression_ratio);

}  // namespace

ApiRoute make_xdm_api(std::shared_ptr<store::ConnectionPool> pool,
                      std::shared_ptr<registry::Registry> registry, registry::xdm::Limits limits,
                      std::shared_ptr<const signature::SigningKey> signing_key) {
  return [pool = std::move(pool), registry = std::move(registry), limits,
          signing_key = std::move(signing_key)](const ApiCall& call) -> std::optional<ApiReply> {
    const std::string_view path = call.target.substr(0, call.target.find_first_of("?#"));
    if (path == kExportPath) {
      if (call.method != http::verb::get) return request::method_not_allowed("GET");
      return xdm_export_reply(*pool, signing_key.get(), call.target, call.request_id);
    }
    if (path == kXdmImportPath) {
      if (call.method != http::verb::post) return request::method_not_allowed("POST");
      return xdm_import_reply(*registry, limits, call.content_type, call.body);
    }
    return std::nullopt;
  };
}

registry::xdm::Limits xdm_limits(const ServerConfig& config) {
  return gateway::xdm_limits(config.xdm_max_entries, config.xdm_max_bytes, config.xdm_max_ratio);
}

}  // namespace passerelle::gateway::api
