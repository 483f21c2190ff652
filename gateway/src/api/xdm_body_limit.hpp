#pragma once

// issue 10: the one route whose body may exceed --max-body-bytes. An XDM
// package is imported whole (POST /api/v1/xdm/import), so its body may be as
// large as the expanded bytes the import accepts (--xdm-max-bytes) plus the
// ZIP's own headers; every other request keeps --max-body-bytes.

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "passerelle/gateway/config.hpp"

namespace passerelle::gateway::api {

inline constexpr std::string_view kXdmImportPath = "/api/v1/xdm/import";

inline bool is_xdm_import(std::string_view target) {
  return target.substr(0, target.find_first_of("?#")) == kXdmImportPath;
}

// Local and central directory headers: well under 1 KiB per entry (names
// are short in XDM), plus the end-of-central-directory record.
inline std::uint64_t xdm_import_body_limit(const ServerConfig& config) {
  const std::uint64_t zip_overhead = config.xdm_max_entries * 1024 + 64 * 1024;
  return std::max<std::uint64_t>(config.max_body_bytes, config.xdm_max_bytes + zip_overhead);
}

}  // namespace passerelle::gateway::api
