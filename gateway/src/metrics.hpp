#pragma once

// Prometheus text exposition (format 0.0.4) of the gateway's own counters.
// Written by hand: Debian 12 packages no Prometheus client library for C++,
// and the handful of series below need only a mutex and a map.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace passerelle::store {
struct PoolStats;
}

namespace passerelle::gateway {

class Metrics {
 public:
  void request_started() { in_flight_.fetch_add(1); }
  void request_finished(const std::string& endpoint, const std::string& action, unsigned status,
                        std::chrono::duration<double> duration);
  // A request refused by the transport before it reached the pipeline
  // (timeout, size limit, unparsable HTTP).
  void request_rejected(unsigned status);
  void connection_opened() { connections_.fetch_add(1); }
  void connection_closed() { connections_.fetch_sub(1); }
  void tls_handshake_failed() { handshake_failures_.fetch_add(1); }

  // Renders every series; pool is optional (no database configured).
  std::string render(const store::PoolStats* pool) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   10.0};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  using RequestKey = std::tuple<std::string, std::string, unsigned>;  // endpoint, action, status
  using LatencyKey = std::tuple<std::string, std::string>;            // endpoint, action

  mutable std::mutex mutex_;
  std::map<RequestKey, std::uint64_t> requests_;
  std::map<LatencyKey, Histogram> latency_;
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::int64_t> connections_{0};
  std::atomic<std::uint64_t> handshake_failures_{0};
};

}  // namespace passerelle::gateway
