#include <utility>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/registry/store.hpp"

namespace passerelle::store {
namespace {

[[noreturn]] void fail(const std::string& message) {
  throw Failure(codes::kInternalError, "database pool", message);
}

}  // namespace

ConnectionPool::ConnectionPool(std::string uri, std::size_t size)
    : uri_(std::move(uri)), size_(size) {
  if (size_ == 0) fail("pool size must be at least 1");
}

// Leases must not outlive the pool; idle connections close with idle_.
ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->give_back(std::move(connection_));
}

ConnectionPool::Lease ConnectionPool::acquire(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    while (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      if (!connection->is_open()) {
        --open_;
        continue;
      }
      ++in_use_;
      ++acquired_total_;
      return Lease(this, std::move(connection));
    }
    if (open_ < size_) break;
    ++waiting_;
    const bool woken =
        available_.wait_until(lock, deadline, [this] { return !idle_.empty() || open_ < size_; });
    --waiting_;
    if (!woken) {
      ++timeouts_total_;
      fail("no database connection free within " + std::to_string(timeout.count()) + " ms (" +
           std::to_string(size_) + " in use)");
    }
  }

  // The slot is reserved before connecting, and connecting happens unlocked
  // so a slow server does not stall the leases being given back.
  ++open_;
  ++in_use_;
  lock.unlock();
  try {
    auto connection = std::make_unique<pqxx::connection>(uri_);
    // Every statement Passerelle sends is anchored on a key (a patient, a
    // uniqueId, an entryUUID), so a generic plan is always the right one:
    // each prepared statement is planned once per connection instead of at
    // every call, which was a third of PostgreSQL's time under stored
    // queries (bench/README.md). query_plans_test checks these plans.
    connection->set_variable("plan_cache_mode", "force_generic_plan");
    lock.lock();
    ++acquired_total_;
    return Lease(this, std::move(connection));
  } catch (const std::exception& e) {
    if (!lock.owns_lock()) lock.lock();
    --open_;
    --in_use_;
    available_.notify_one();
    fail(std::string("cannot connect to the database: ") + e.what());
  }
}

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> connection) {
  {
    const std::lock_guard lock(mutex_);
    --in_use_;
    // A connection the server dropped is discarded; its slot reopens lazily.
    if (connection && connection->is_open()) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

bool ConnectionPool::ping(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Two tries: an idle connection may be stale after a server restart even
  // though the server is fine; the second try then opens a fresh one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    try {
      auto lease = acquire(left);
      pqxx::nontransaction tx(*lease);
      tx.exec("SELECT 1");
      return true;
    } catch (const pqxx::broken_connection&) {
      continue;
    } catch (const std::exception&) {
      return false;
    }
  }
  return false;
}

PoolStats ConnectionPool::stats() const {
  const std::lock_guard lock(mutex_);
  return PoolStats{open_, in_use_, waiting_, acquired_total_, timeouts_total_};
}

}  // namespace passerelle::store
