#pragma once

// Threads that each serve one connection at a time and handle its requests
// right there. The shared path (network threads, then the worker pool) wakes
// two threads per request: the network thread that reads it and the worker
// that handles it. A connection with a thread of its own wakes one, which
// on this project's 2-core machine was worth about a tenth of a stored
// query's CPU (bench/README.md, query_bench, seventh session). A thread never
// serves two connections, so a slow request delays no other connection; when
// every thread is taken, new connections take the shared path.

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace passerelle::gateway {

class ConnectionThreads {
 public:
  // A free thread's executor, and a claim on it (never null), freed when the
  // last copy of `claim` goes.
  struct Claim {
    boost::asio::any_io_executor executor;
    std::shared_ptr<void> claim;
  };

  // Threads start as connections need them, up to `max`, and then stay.
  explicit ConnectionThreads(std::size_t max);
  ~ConnectionThreads();
  ConnectionThreads(const ConnectionThreads&) = delete;
  ConnectionThreads& operator=(const ConnectionThreads&) = delete;

  // nullopt when `max` threads each serve a connection, or after stop().
  std::optional<Claim> claim();
  // Stops every thread (their pending operations are abandoned) and joins
  // them. Idempotent.
  void stop();

 private:
  struct Loop {
    boost::asio::io_context io{1};  // one thread: no locking inside asio
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running{
        io.get_executor()};
    // Shared with the claims, which may outlive this object.
    std::shared_ptr<std::atomic<bool>> taken = std::make_shared<std::atomic<bool>>(false);
    std::thread thread;
  };
  const std::size_t max_;
  std::mutex mutex_;  // claims may come from several acceptors at once
  bool stopped_ = false;
  std::vector<std::unique_ptr<Loop>> loops_;
};

}  // namespace passerelle::gateway
