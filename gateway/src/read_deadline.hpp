#pragma once

// The deadline of a connection's pending read (the next request within the
// idle timeout, the rest of a request within the read timeout), moved at
// every request without a timer operation.
//
// Arming and cancelling a timer for each read cost a timerfd_settime system
// call each, two per request on a connection thread's own reactor
// (bench/README.md, eighth session). Here one timer per connection wakes at
// most every `granularity` and compares the clock with the deadline last set.
// It never wakes late: it is armed at most `granularity` ahead, and every
// deadline is set at least `granularity` ahead, so no deadline set after the
// timer was armed can fall before the timer's expiry.

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace passerelle::gateway {

class ReadDeadline {
 public:
  using Clock = std::chrono::steady_clock;

  // `granularity`: the shortest duration set() will be given.
  ReadDeadline(const boost::asio::any_io_executor& executor, Clock::duration granularity);

  // Starts watching, on the executor: `on_expired` runs there when a set
  // deadline passes, while `owner` lives. Call once, on the executor.
  void start(std::weak_ptr<void> owner, std::function<void()> on_expired);
  // From any thread. `from_now` is at least the granularity.
  void set(Clock::duration from_now);
  void clear();
  // No more wake-ups once the pending one has come (any thread); the timer
  // itself goes with its owner.
  void stop();

 private:
  static constexpr Clock::rep kNone = Clock::duration::max().count();
  void arm(Clock::time_point expiry);
  void on_timer();

  boost::asio::steady_timer timer_;
  Clock::duration granularity_;
  std::atomic<Clock::rep> deadline_{kNone};  // time since the clock's epoch
  std::atomic<bool> stopped_{false};
  std::weak_ptr<void> owner_;
  std::function<void()> on_expired_;
};

}  // namespace passerelle::gateway
