#pragma once

// Issue 10: each download is traced (R-TRACE-1, action `download`, detail =
// the format) and, past the threshold, recorded as misuse (R-TRACE-4,
// action `misuse`), never refused for it.

#include <chrono>
#include <cstdint>
#include <string>

#include "access/access_control.hpp"
#include "passerelle/registry/store.hpp"

namespace passerelle::gateway::download {

struct MisuseSettings {
  std::int64_t threshold = 100;         // --download-misuse-threshold
  std::chrono::seconds period{86'400};  // --download-misuse-period
};

// Traces the download of `document_unique_id` in `format` by the grant's
// professional; then, when that professional has downloaded more than
// `settings.threshold` documents (any record) within `settings.period`,
// appends a `misuse` trace saying so. Returns that count.
std::int64_t trace_download(const access::AccessControl& access, store::ConnectionPool& pool,
                            const access::ReadGrant& grant, const std::string& document_unique_id,
                            const std::string& format, const MisuseSettings& settings);

}  // namespace passerelle::gateway::download
