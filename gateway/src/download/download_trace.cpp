#include "download/download_trace.hpp"

#include "passerelle/registry/traces.hpp"

namespace passerelle::gateway::download {
namespace {

store::Trace trace_of(const access::ReadGrant& grant, store::TraceAction action,
                      const std::string& document_unique_id, std::string detail) {
  store::Trace trace;
  trace.actor = grant.actor;
  trace.patient_id = grant.patient_id;
  trace.document_unique_id = document_unique_id;
  trace.action = action;
  trace.detail = std::move(detail);
  return trace;
}

}  // namespace

std::int64_t trace_download(const access::AccessControl& access, store::ConnectionPool& pool,
                            const access::ReadGrant& grant, const std::string& document_unique_id,
                            const std::string& format, const MisuseSettings& settings) {
  access.append({trace_of(grant, store::TraceAction::Download, document_unique_id, format)});
  // Counted after the download's own trace, so the count includes it.
  const std::int64_t count = store::count_recent_document_traces(
      pool, grant.actor.id, store::TraceAction::Download, settings.period.count());
  if (count > settings.threshold) {
    access.append({trace_of(grant, store::TraceAction::Misuse, document_unique_id,
                            std::to_string(count) + " downloads in the last " +
                                std::to_string(settings.period.count()) + " s (threshold " +
                                std::to_string(settings.threshold) + ")")});
  }
  return count;
}

}  // namespace passerelle::gateway::download
