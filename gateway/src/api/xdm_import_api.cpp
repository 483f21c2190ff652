#include "api/xdm_import_api.hpp"

#include "passerelle/core/error.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "passerelle/soap/mtom.hpp"
#include "xdm_submission.hpp"

namespace passerelle::gateway::api {
namespace {

using namespace request;
namespace xdm = registry::xdm;

bool is_zip_media_type(std::string_view content_type) {
  if (content_type.empty()) return false;
  try {
    return soap::parse_media_type(std::string(content_type)).type == "application/zip";
  } catch (const Failure&) {
    return false;
  }
}

Json error_json(const Error& error) {
  return {{"code", error.code},
          {"severity", error.severity == Severity::Error ? "error" : "warning"},
          {"location", error.location},
          {"message", error.message}};
}

// ITI-41 for one lot, answered as the SOAP handler answers it
// (gateway/src/xds/xds_service.cpp): a metadata error found before the
// registry is the repository's.
registry::RegistryResponse submit(registry::Registry& registry, LotSubmission& lot) {
  registry::RegistryResponse response;
  try {
    response = registry.provide_and_register(lot.request, provided_documents(lot));
  } catch (const Failure& failure) {
    response.success = false;
    auto error = failure.error();
    if (error.code == xds_codes::kRegistryMetadataError) {
      error.code = "XDSRepositoryMetadataError";
    }
    response.errors.push_back(std::move(error));
  }
  return response;
}

}  // namespace

ApiReply xdm_import_reply(registry::Registry& registry, const xdm::Limits& limits,
                          std::string_view content_type, std::string_view body) {
  if (!is_zip_media_type(content_type)) {
    return api_error(415, "unsupported_media_type",
                     content_type.empty() ? "missing Content-Type: the body must be application/zip"
                                          : "Content-Type " + echo(content_type) +
                                                " is not supported: the body must be "
                                                "application/zip");
  }
  std::vector<xdm::ImportedLot> lots;
  try {
    lots = xdm::read_package(body, limits);
  } catch (const Failure& refused) {
    const auto& error = refused.error();
    return json_reply(
        error.code == xdm::codes::kNotZip ? 400 : 422,
        Json{{"error",
              {{"code", error.code}, {"location", error.location}, {"message", error.message}}}});
  }
  Json results = Json::array();
  std::size_t stored = 0;
  std::string log_detail;
  for (auto& imported : lots) {
    auto lot = lot_submission(std::move(imported));
    const auto response = submit(registry, lot);
    if (response.success) ++stored;
    if (!response.internal_detail.empty()) log_detail = response.internal_detail;
    Json errors = Json::array();
    for (const auto& error : response.errors) errors.push_back(error_json(error));
    results.push_back({{"subset", lot.subset},
                       {"submission_set", lot.submission_set_unique_id},
                       {"documents", lot.documents.size()},
                       {"status", response.success ? "success" : "failure"},
                       {"errors", std::move(errors)}});
  }
  const bool all = stored == lots.size();
  ApiReply reply =
      json_reply(stored == 0 ? 422 : 200, Json{{"status", all           ? "success"
                                                          : stored == 0 ? "failure"
                                                                        : "partial_success"},
                                               {"stored", stored},
                                               {"lots", std::move(results)}});
  reply.log_detail = std::move(log_detail);
  return reply;
}

}  // namespace passerelle::gateway::api
