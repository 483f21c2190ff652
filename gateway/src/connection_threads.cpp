#include "connection_threads.hpp"

namespace passerelle::gateway {

ConnectionThreads::ConnectionThreads(std::size_t count) {
  loops_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto loop = std::make_unique<Loop>();
    loop->thread = std::thread([&io = loop->io] { io.run(); });
    loops_.push_back(std::move(loop));
  }
}

ConnectionThreads::~ConnectionThreads() { stop(); }

std::optional<ConnectionThreads::Claim> ConnectionThreads::claim() {
  for (auto& loop : loops_) {
    if (loop->io.stopped() || loop->taken->exchange(true)) continue;
    return Claim{loop->io.get_executor(),
                 std::shared_ptr<void>(nullptr, [taken = loop->taken](void*) { *taken = false; })};
  }
  return std::nullopt;
}

void ConnectionThreads::stop() {
  for (auto& loop : loops_) {
    loop->keep_running.reset();
    loop->io.stop();
  }
  for (auto& loop : loops_) {
    if (loop->thread.joinable()) loop->thread.join();
  }
}

}  // namespace passerelle::gateway
