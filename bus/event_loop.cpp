#include "bus/event_loop.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace herd::bus {
namespace {

// epoll data: socket and fd entries are told apart by the top bit.
constexpr uint64_t kPlainFdTag = uint64_t{1} << 63;

// Messages a handler may be called for before other sockets get their turn
// is up to the handler; the loop itself never spins on one socket.
constexpr std::size_t kMaxEvents = 256;

}  // namespace

EventLoop::EventLoop() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
}

EventLoop::~EventLoop() {
  for (auto& [fd, entry] : sockets_) entry.socket->set_send_hook({});
  if (signal_fd_ >= 0) ::close(signal_fd_);
  ::close(epoll_fd_);
}

void EventLoop::watch(Socket& socket, Handler on_readable) {
  const int fd = socket.fd();
  sockets_[fd] = SocketEntry{&socket, std::move(on_readable)};
  socket.set_send_hook([this, fd] { queue_socket(fd); });
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = static_cast<uint64_t>(fd);
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    throw std::runtime_error(std::string("epoll_ctl add: ") + std::strerror(errno));
  }
  queue_socket(fd);  // messages may already be waiting
}

void EventLoop::unwatch(Socket& socket) {
  const int fd = socket.fd();
  socket.set_send_hook({});
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  sockets_.erase(fd);
}

void EventLoop::watch_fd(int fd, Handler on_readable) {
  fds_[fd] = std::move(on_readable);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = static_cast<uint64_t>(fd) | kPlainFdTag;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    throw std::runtime_error(std::string("epoll_ctl add fd: ") + std::strerror(errno));
  }
}

void EventLoop::unwatch_fd(int fd) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  fds_.erase(fd);
}

Status EventLoop::watch_signals(std::initializer_list<int> signals, std::function<void(int)> on_signal) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return fail("failed to block signals");
  signal_fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return fail("failed to create signalfd: {}", std::strerror(errno));
  on_signal_ = std::move(on_signal);
  watch_fd(signal_fd_, [this] {
    signalfd_siginfo info{};
    while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      on_signal_(static_cast<int>(info.ssi_signo));
    }
  });
  return {};
}

TimerId EventLoop::add_timer(Millis delay, Millis period, Handler handler) {
  const TimerId id = next_timer_id_++;
  timers_.emplace(id, TimerEntry{period, std::move(handler)});
  timer_queue_.push(Timer{std::chrono::steady_clock::now() + delay, id});
  return id;
}

void EventLoop::cancel(TimerId id) { timers_.erase(id); }  // its queue entry is skipped when due

void EventLoop::queue_socket(int fd) {
  auto it = sockets_.find(fd);
  if (it == sockets_.end() || it->second.queued) return;
  it->second.queued = true;
  ready_.push_back(fd);
}

void EventLoop::run() {
  stopping_ = false;
  while (!stopping_) iterate(Millis{1000});
}

bool EventLoop::run_until(const std::function<bool()>& done, Millis timeout) {
  stopping_ = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && !stopping_) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    iterate(std::min(Millis{50}, std::chrono::duration_cast<Millis>(deadline - now) + Millis{1}));
  }
  return done();
}

void EventLoop::iterate(Millis max_wait) {
  if (before_wait_) before_wait_();
  Millis wait = max_wait;
  if (!ready_.empty()) {
    wait = Millis{0};
  } else {
    // Skip cancelled timers so they do not shorten the wait.
    while (!timer_queue_.empty() && !timers_.contains(timer_queue_.top().id)) timer_queue_.pop();
    if (!timer_queue_.empty()) {
      const auto until = timer_queue_.top().due - std::chrono::steady_clock::now();
      wait = std::clamp(std::chrono::ceil<Millis>(until), Millis{0}, max_wait);
    }
  }
  epoll_event events[kMaxEvents];
  const int n = ::epoll_wait(epoll_fd_, events, static_cast<int>(kMaxEvents), static_cast<int>(wait.count()));
  if (n < 0 && errno != EINTR) throw std::runtime_error(std::string("epoll_wait: ") + std::strerror(errno));
  for (int i = 0; i < n; ++i) {
    const uint64_t data = events[i].data.u64;
    if ((data & kPlainFdTag) != 0) {
      const int fd = static_cast<int>(data & ~kPlainFdTag);
      if (auto it = fds_.find(fd); it != fds_.end()) {
        Handler handler = it->second;  // the handler may unwatch itself
        handler();
      }
    } else {
      queue_socket(static_cast<int>(data));
    }
  }
  service_ready_sockets();
  run_due_timers();
}

void EventLoop::service_ready_sockets() {
  // Handlers may send (queueing more sockets) or unwatch; work on a snapshot.
  std::vector<int> batch;
  batch.swap(ready_);
  for (int fd : batch) {
    auto it = sockets_.find(fd);
    if (it == sockets_.end()) continue;
    it->second.queued = false;
    if (!it->second.socket->readable()) continue;
    Handler handler = it->second.handler;
    handler();
    // Still input after the handler's batch: come back next iteration.
    it = sockets_.find(fd);
    if (it != sockets_.end() && it->second.socket->readable()) queue_socket(fd);
  }
}

void EventLoop::run_due_timers() {
  const auto now = std::chrono::steady_clock::now();
  while (!timer_queue_.empty() && timer_queue_.top().due <= now) {
    const Timer timer = timer_queue_.top();
    timer_queue_.pop();
    auto it = timers_.find(timer.id);
    if (it == timers_.end()) continue;
    Handler handler = it->second.handler;
    if (it->second.period.count() > 0) {
      // Next due time from the schedule, not from now, so periodic timers do
      // not drift; but never schedule into the past after a long stall.
      auto next = timer.due + it->second.period;
      if (next <= now) next = now + it->second.period;
      timer_queue_.push(Timer{next, timer.id});
    } else {
      timers_.erase(it);
    }
    handler();
  }
}

}  // namespace herd::bus
