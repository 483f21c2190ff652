#include "api/xdm_export_api.hpp"

#include <algorithm>
#include <ctime>
#include <pqxx/pqxx>

#include "download/export_signing.hpp"
#include "passerelle/core/error.hpp"
#include "passerelle/core/version.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/traces.hpp"
#include "passerelle/registry/xdm.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace passerelle::gateway::api {
namespace {

using namespace request;
namespace xdm = registry::xdm;

constexpr std::size_t kMaxUniqueId = 256;

// ?lot=UID or ?document=UID, exactly one of them, once.
xdm::ExportRequest parse_export_query(std::string_view target) {
  const std::size_t mark = target.find('?');
  std::string_view rest = mark == std::string_view::npos ? "" : target.substr(mark + 1);
  rest = rest.substr(0, rest.find('#'));
  std::optional<xdm::ExportRequest> request;
  while (!rest.empty()) {
    const std::string_view pair = rest.substr(0, rest.find('&'));
    rest.remove_prefix(std::min(rest.size(), pair.size() + 1));
    const std::size_t equal = pair.find('=');
    const std::string_view name = pair.substr(0, equal);
    if (name != "lot" && name != "document") {
      throw BadRequest{"unknown query parameter " + echo(name) + " (known: lot, document)"};
    }
    if (request) throw BadRequest{"give exactly one of the query parameters 'lot' and 'document'"};
    auto value = percent_decode(equal == std::string_view::npos ? "" : pair.substr(equal + 1));
    if (!value) throw BadRequest{"malformed percent-encoding in query parameter " + echo(name)};
    const bool control = std::any_of(value->begin(), value->end(),
                                     [](unsigned char c) { return c < 0x20 || c == 0x7f; });
    if (value->empty() || value->size() > kMaxUniqueId || control) {
      throw BadRequest{"query parameter " + echo(name) + " must be a uniqueId (1 to " +
                       std::to_string(kMaxUniqueId) + " bytes, no control characters), got " +
                       echo(*value)};
    }
    request.emplace();
    request->kind =
        name == "lot" ? xdm::ExportRequest::Kind::Lot : xdm::ExportRequest::Kind::Document;
    request->unique_id = std::move(*value);
  }
  if (!request) throw BadRequest{"give one of the query parameters 'lot' and 'document'"};
  return std::move(*request);
}

std::string now_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// A file name any browser or shell takes: the uniqueId with anything but
// [A-Za-z0-9.-] replaced.
std::string file_name(const xdm::ExportRequest& request) {
  std::string name = request.unique_id;
  for (char& c : name) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-';
    if (!safe) c = '_';
  }
  return (request.kind == xdm::ExportRequest::Kind::Lot ? "xdm-lot-" : "xdm-document-") + name +
         ".zip";
}

// One trace per exported document (R-TRACE-1, R-OUT-1), written in one
// transaction before the package is sent.
std::vector<store::Trace> export_traces(const xdm::Package& package, std::string_view request_id) {
  std::vector<store::Trace> traces;
  for (const auto& lot : package.lots) {
    for (const auto& document : lot.documents) {
      const auto entry = registry::read_document_entry(document.entry);
      store::Trace trace;
      trace.actor = store::operator_actor(std::string(request_id));
      trace.patient_id = entry.patient_id;
      trace.document_unique_id = entry.unique_id;
      trace.action = store::TraceAction::Download;
      trace.detail = "xdm";  // the format taken out, as a professional's download says it
      traces.push_back(std::move(trace));
    }
  }
  return traces;
}

void append_traces(store::ConnectionPool& pool, const std::vector<store::Trace>& traces) {
  auto connection = pool.acquire();
  pqxx::work tx(*connection);
  for (const auto& trace : traces) store::append_trace(tx, trace);
  tx.commit();
}

ApiReply not_found(const Failure& failure, const xdm::ExportRequest& request) {
  const bool lot = request.kind == xdm::ExportRequest::Kind::Lot;
  ApiReply reply =
      api_error(404, lot ? "lot_not_found" : "document_not_found", failure.error().message);
  return reply;
}

}  // namespace

ApiReply xdm_export_reply(store::ConnectionPool& pool, const signature::SigningKey* signing_key,
                          std::string_view target, std::string_view request_id) {
  xdm::ExportRequest request;
  try {
    request = parse_export_query(target);
  } catch (const BadRequest& bad) {
    return api_error(400, "invalid_request", bad.message);
  }
  try {
    xdm::Package package = xdm::collect_package(pool, request);
    if (package.producer.version.empty()) package.producer.version = kVersion;
    if (package.created_at.empty()) package.created_at = now_utc();
    // Traced as collected: the gateway's own signature document is no record's.
    const auto traces = export_traces(package, request_id);
    if (signing_key != nullptr) {
      for (auto& lot : package.lots) download::sign_exported_lot(lot, *signing_key);
    }
    ApiReply reply;
    reply.body = xdm::write_package(package);
    append_traces(pool, traces);
    reply.content_type = "application/zip";
    reply.headers.emplace_back("Content-Disposition",
                               "attachment; filename=\"" + file_name(request) + "\"");
    return reply;
  } catch (const Failure& failure) {
    const auto& code = failure.error().code;
    if (code == xds_codes::kDocumentUniqueIdError || code == xds_codes::kRegistryMetadataError) {
      return not_found(failure, request);
    }
    ApiReply reply = api_error(500, "internal_error", "internal error while exporting");
    reply.log_detail = failure.error().location + ": " + failure.error().message;
    return reply;
  } catch (const std::exception& e) {
    ApiReply reply = api_error(500, "internal_error", "internal error while exporting");
    reply.log_detail = e.what();
    return reply;
  }
}

}  // namespace passerelle::gateway::api
