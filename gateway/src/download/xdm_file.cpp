#include "download/xdm_file.hpp"

#include <utility>

#include "download/export_signing.hpp"
#include "passerelle/registry/xdm.hpp"

namespace passerelle::gateway::download {

DownloadFile xdm_file(store::ConnectionPool& pool, const std::string& unique_id,
                      std::function<std::set<std::string>(const std::vector<std::string>&)> hidden,
                      const signature::SigningKey* key) {
  registry::xdm::ExportRequest request;
  request.kind = registry::xdm::ExportRequest::Kind::Document;
  request.unique_id = unique_id;
  request.hidden = std::move(hidden);
  registry::xdm::Package package = registry::xdm::collect_package(pool, request);
  if (key != nullptr) {
    for (auto& lot : package.lots) sign_exported_lot(lot, *key);
  }
  return {file_stem(unique_id) + ".zip", "application/zip", registry::xdm::write_package(package)};
}

}  // namespace passerelle::gateway::download
