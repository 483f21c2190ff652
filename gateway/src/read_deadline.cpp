#include "read_deadline.hpp"

#include <algorithm>
#include <utility>

namespace passerelle::gateway {

ReadDeadline::ReadDeadline(const boost::asio::any_io_executor& executor,
                           Clock::duration granularity)
    : timer_(executor), granularity_(std::max<Clock::duration>(granularity, Clock::duration(1))) {}

void ReadDeadline::start(std::weak_ptr<void> owner, std::function<void()> on_expired) {
  owner_ = std::move(owner);
  on_expired_ = std::move(on_expired);
  arm(Clock::now() + granularity_);
}

void ReadDeadline::set(Clock::duration from_now) {
  deadline_ = (Clock::now() + from_now).time_since_epoch().count();
}

void ReadDeadline::clear() { deadline_ = kNone; }

void ReadDeadline::stop() { stopped_ = true; }

void ReadDeadline::arm(Clock::time_point expiry) {
  timer_.expires_at(expiry);
  // The owner is held only while the handler runs: a pending wait must not
  // keep a finished connection alive, and its destruction cancels the wait.
  timer_.async_wait([this, owner = owner_](const boost::system::error_code& ec) {
    const auto alive = owner.lock();
    if (ec || !alive) return;
    on_timer();
  });
}

void ReadDeadline::on_timer() {
  if (stopped_) return;
  const auto now = Clock::now();
  Clock::rep deadline = deadline_.load();
  // Only the deadline this wake-up read expires: one set meanwhile stands.
  if (deadline != kNone && now.time_since_epoch().count() >= deadline &&
      deadline_.compare_exchange_strong(deadline, kNone)) {
    on_expired_();
    if (stopped_) return;
  }
  auto next = now + granularity_;
  if (const auto current = deadline_.load(); current != kNone) {
    next = std::min(next, Clock::time_point(Clock::duration(current)));
  }
  arm(next);
}

}  // namespace passerelle::gateway
