#pragma once
// One thread, one epoll set: ZeroMQ sockets (through their ZMQ_FD), plain
// file descriptors (signalfd, pipes), and timers. It scales to the ~10,000
// sockets of a herd-swarm process because it only looks at sockets that
// signalled, were sent on, or still had input after their last handler.
//
// ZMQ_FD is edge-like: it signals that socket commands arrived, not that a
// message is waiting, and any operation on the socket may consume that
// signal. So after a socket is signalled or sent on, the loop asks libzmq
// (ZMQ_EVENTS) and calls the handler while input is pending. A handler may
// stop early (to be fair to other sockets); the loop comes back to it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <queue>
#include <unordered_map>
#include <vector>

#include "bus/socket.hpp"
#include "common/result.hpp"

namespace herd::bus {

using TimerId = uint64_t;

class EventLoop {
 public:
  using Handler = std::function<void()>;
  using Millis = std::chrono::milliseconds;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // `on_readable` is called while the socket has input; it should receive
  // until receive() returns nothing or it has done a fair batch.
  void watch(Socket& socket, Handler on_readable);
  void unwatch(Socket& socket);
  void watch_fd(int fd, Handler on_readable);
  void unwatch_fd(int fd);

  // Blocks the signals for this thread and delivers them through the loop.
  // Call it before starting any thread: threads inherit the signal mask,
  // and a thread that does not block them would be killed by them.
  [[nodiscard]] Status watch_signals(std::initializer_list<int> signals, std::function<void(int)> on_signal);

  // Called once per iteration, after handlers and timers ran and before the
  // loop waits again: the place to commit what they produced as one batch.
  void before_wait(Handler handler) { before_wait_ = std::move(handler); }

  TimerId every(Millis period, Handler handler) { return add_timer(period, period, std::move(handler)); }
  TimerId after(Millis delay, Handler handler) { return add_timer(delay, Millis{0}, std::move(handler)); }
  void cancel(TimerId id);

  void run();  // until stop()
  // Runs until `done()` is true or `timeout` passes; returns done(). For tests.
  bool run_until(const std::function<bool()>& done, Millis timeout);
  void stop() { stopping_ = true; }

 private:
  struct SocketEntry {
    Socket* socket;
    Handler handler;
    bool queued = false;  // in ready_
  };
  struct Timer {
    std::chrono::steady_clock::time_point due;
    TimerId id;
    bool operator>(const Timer& other) const { return due > other.due; }
  };
  struct TimerEntry {
    Millis period;
    Handler handler;
  };

  TimerId add_timer(Millis delay, Millis period, Handler handler);
  void iterate(Millis max_wait);
  void queue_socket(int fd);
  void service_ready_sockets();
  void run_due_timers();

  int epoll_fd_ = -1;
  int signal_fd_ = -1;
  bool stopping_ = false;
  std::unordered_map<int, SocketEntry> sockets_;  // by ZMQ_FD
  std::unordered_map<int, Handler> fds_;
  std::vector<int> ready_;  // sockets to check with ZMQ_EVENTS
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timer_queue_;
  std::unordered_map<TimerId, TimerEntry> timers_;
  TimerId next_timer_id_ = 1;
  std::function<void(int)> on_signal_;
  Handler before_wait_;
};

}  // namespace herd::bus
