#include "metrics.hpp"

#include <sstream>

#include "passerelle/registry/store.hpp"

namespace passerelle::gateway {
namespace {

// Label values are bounded by the caller (known endpoints and actions), but
// escape anyway so the exposition can never be broken by a value.
std::string label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::request_finished(const std::string& endpoint, const std::string& action,
                               unsigned status, std::chrono::duration<double> duration) {
  in_flight_.fetch_sub(1);
  const double seconds = duration.count();
  std::lock_guard lock(mutex_);
  ++requests_[{endpoint, action, status}];
  auto& histogram = latency_[{endpoint, action}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++histogram.buckets[i];
  }
  ++histogram.count;
  histogram.sum += seconds;
}

void Metrics::request_rejected(unsigned status) {
  std::lock_guard lock(mutex_);
  ++requests_[{"transport", "", status}];
}

std::string Metrics::render(const store::PoolStats* pool) const {
  std::ostringstream out;
  {
    std::lock_guard lock(mutex_);
    out << "# HELP passerelle_http_requests_total HTTP requests answered.\n"
           "# TYPE passerelle_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      const auto& [endpoint, action, status] = key;
      out << "passerelle_http_requests_total{endpoint=\"" << label(endpoint) << "\",action=\""
          << label(action) << "\",status=\"" << status << "\"} " << count << '\n';
    }
    out << "# HELP passerelle_http_request_duration_seconds Time from full request to response.\n"
           "# TYPE passerelle_http_request_duration_seconds histogram\n";
    for (const auto& [key, histogram] : latency_) {
      const auto& [endpoint, action] = key;
      const std::string labels =
          "endpoint=\"" + label(endpoint) + "\",action=\"" + label(action) + "\"";
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        out << "passerelle_http_request_duration_seconds_bucket{" << labels << ",le=\""
            << kBuckets[i] << "\"} " << histogram.buckets[i] << '\n';
      }
      out << "passerelle_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} "
          << histogram.count << '\n';
      out << "passerelle_http_request_duration_seconds_sum{" << labels << "} " << histogram.sum
          << '\n';
      out << "passerelle_http_request_duration_seconds_count{" << labels << "} " << histogram.count
          << '\n';
    }
  }
  out << "# HELP passerelle_http_requests_in_flight Requests being handled.\n"
         "# TYPE passerelle_http_requests_in_flight gauge\n"
         "passerelle_http_requests_in_flight "
      << in_flight_.load() << '\n';
  out << "# HELP passerelle_connections_open Open client connections.\n"
         "# TYPE passerelle_connections_open gauge\n"
         "passerelle_connections_open "
      << connections_.load() << '\n';
  out << "# HELP passerelle_tls_handshake_failures_total Refused TLS handshakes.\n"
         "# TYPE passerelle_tls_handshake_failures_total counter\n"
         "passerelle_tls_handshake_failures_total "
      << handshake_failures_.load() << '\n';
  if (pool != nullptr) {
    out << "# HELP passerelle_db_pool_connections Database pool connections by state.\n"
           "# TYPE passerelle_db_pool_connections gauge\n"
           "passerelle_db_pool_connections{state=\"open\"} "
        << pool->size << "\npasserelle_db_pool_connections{state=\"in_use\"} " << pool->in_use
        << "\n# HELP passerelle_db_pool_waiting Requests waiting for a database connection.\n"
           "# TYPE passerelle_db_pool_waiting gauge\npasserelle_db_pool_waiting "
        << pool->waiting
        << "\n# HELP passerelle_db_pool_timeouts_total Waits for a connection that timed out.\n"
           "# TYPE passerelle_db_pool_timeouts_total counter\npasserelle_db_pool_timeouts_total "
        << pool->timeouts_total << '\n';
  }
  return out.str();
}

}  // namespace passerelle::gateway
