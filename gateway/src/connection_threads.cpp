#include "connection_threads.hpp"

namespace passerelle::gateway {

ConnectionThreads::ConnectionThreads(std::size_t max) : max_(max) {}

ConnectionThreads::~ConnectionThreads() { stop(); }

std::optional<ConnectionThreads::Claim> ConnectionThreads::claim() {
  const std::lock_guard lock(mutex_);
  if (stopped_) return std::nullopt;
  Loop* free = nullptr;
  for (auto& loop : loops_) {
    if (!loop->taken->exchange(true)) {
      free = loop.get();
      break;
    }
  }
  if (free == nullptr) {
    if (loops_.size() >= max_) return std::nullopt;
    auto loop = std::make_unique<Loop>();
    loop->taken->store(true);
    loop->thread = std::thread([&io = loop->io] { io.run(); });
    free = loops_.emplace_back(std::move(loop)).get();
  }
  // Owns its own reference to the flag: the claim may outlive the loop.
  return Claim{
      free->io.get_executor(),
      std::shared_ptr<void>(free->taken.get(), [taken = free->taken](void*) { *taken = false; })};
}

void ConnectionThreads::stop() {
  const std::lock_guard lock(mutex_);
  stopped_ = true;
  for (auto& loop : loops_) {
    loop->keep_running.reset();
    loop->io.stop();
  }
  for (auto& loop : loops_) {
    if (loop->thread.joinable()) loop->thread.join();
  }
}

}  // namespace passerelle::gateway
