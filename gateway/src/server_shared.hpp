#pragma once

// What every connection of one server shares. Owned jointly by the server and
// its sessions so a session finishing late never sees it destroyed.

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <vector>

#include "api/records_api.hpp"
#include "metrics.hpp"
#include "passerelle/gateway/config.hpp"
#include "passerelle/gateway/logging.hpp"
#include "passerelle/gateway/router.hpp"
#include "pipeline.hpp"

namespace passerelle::gateway {

// Lets the server ask a live session to close once it is idle.
class SessionControl {
 public:
  virtual ~SessionControl() = default;
  virtual void close_when_idle() = 0;
};

struct ServerShared {
  ServerShared(ServerConfig config_in, Router router_in,
               std::shared_ptr<store::ConnectionPool> pool_in,
               std::shared_ptr<spdlog::logger> logger_in, std::size_t worker_threads,
               api::AuthorityCheck patient_id_authority = {})
      : config(std::move(config_in)),
        router(std::move(router_in)),
        pool(std::move(pool_in)),
        logger(std::move(logger_in)),
        // Operator API: reads --operator-token-file (throws when unusable).
        operator_api(api::make_operator_api(config.operator_token_file, pool.get(),
                                            std::move(patient_id_authority))),
        pipeline(router, metrics, pool.get(), config, operator_api.get()),
        workers(worker_threads),
        handling(static_cast<std::ptrdiff_t>(worker_threads)) {}

  const ServerConfig config;
  const Router router;
  Metrics metrics;
  const std::shared_ptr<store::ConnectionPool> pool;
  const std::shared_ptr<spdlog::logger> logger;
  const std::unique_ptr<const api::OperatorApi> operator_api;  // null = disabled
  const Pipeline pipeline;
  boost::asio::thread_pool workers;
  // Connections with a thread of their own (connection_threads.hpp) handle
  // their requests there; this bounds how many at once to the workers'
  // count, as the pool does for the shared path.
  std::counting_semaphore<> handling;
  std::optional<boost::asio::ssl::context> tls;  // empty for plain HTTP

  std::atomic<bool> draining{false};
  std::atomic<std::size_t> live_sessions{0};

  void track(const std::shared_ptr<SessionControl>& session) {
    std::lock_guard lock(sessions_mutex);
    std::erase_if(sessions, [](const auto& weak) { return weak.expired(); });
    sessions.push_back(session);
  }
  std::vector<std::shared_ptr<SessionControl>> live() {
    std::lock_guard lock(sessions_mutex);
    std::vector<std::shared_ptr<SessionControl>> out;
    for (const auto& weak : sessions) {
      if (auto session = weak.lock()) out.push_back(std::move(session));
    }
    return out;
  }

 private:
  std::mutex sessions_mutex;
  std::vector<std::weak_ptr<SessionControl>> sessions;
};

}  // namespace passerelle::gateway
