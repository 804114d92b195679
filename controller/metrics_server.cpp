#include "controller/metrics_server.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "controller/http_request.hpp"
#include "controller/metrics_text.hpp"

namespace herd::controller {

using namespace std::chrono_literals;

namespace {

// Work done per wake-up before the loop serves its other sockets.
constexpr int kEventBatch = 64;
constexpr std::size_t kReadChunk = 4096;
constexpr auto kExpiryInterval = 250ms;
// After the answer, what the client still sends is read and dropped for at
// most this long: closing with unread input would reset the connection and
// could cut off the answer at the client.
constexpr auto kDrainTime = 1s;

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return fail("\"{}\" is not [IPV6]:PORT", text);
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail("\"{}\" is not HOST:PORT", text);
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return fail("\"{}\": write an IPv6 address as [ADDRESS]:PORT", text);
  }
  if (host.empty()) return fail("\"{}\" has no host (use 0.0.0.0 or [::] for every address)", text);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
    return fail("\"{}\": port must be a number from 1 to 65535", text);
  }
  return ListenAddress{std::string(host), static_cast<uint16_t>(value)};
}

MetricsServer::MetricsServer(bus::EventLoop& loop, const Clock& clock, Render render, MetricsServerLimits limits)
    : loop_(loop), clock_(clock), render_(std::move(render)), limits_(limits) {}

MetricsServer::~MetricsServer() {
  if (expiry_timer_ != 0) loop_.cancel(expiry_timer_);
  if (epoll_fd_ >= 0) {
    loop_.unwatch_fd(epoll_fd_);
    ::close(epoll_fd_);
  }
  for (const auto& [fd, c] : connections_) ::close(fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

Status MetricsServer::listen(const ListenAddress& address) {
  const std::string where = address.host.find(':') != std::string::npos
                                ? fmt::format("[{}]:{}", address.host, address.port)
                                : fmt::format("{}:{}", address.host, address.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  if (int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return fail("failed to resolve metrics_listen {}: {}", where, ::gai_strerror(rc));
  }
  const int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, found->ai_protocol);
  if (fd < 0) {
    ::freeaddrinfo(found);
    return fail("failed to create the metrics socket: {}", std::strerror(errno));
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const int bound = ::bind(fd, found->ai_addr, found->ai_addrlen);
  ::freeaddrinfo(found);
  if (bound != 0 || ::listen(fd, 64) != 0) {
    const int err = errno;
    ::close(fd);
    return fail("failed to listen for /metrics on {}: {}", where, std::strerror(err));
  }
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
  port_ = local.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
  listen_fd_ = fd;

  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return fail("failed to create an epoll set for /metrics: {}", std::strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  // An epoll set is itself readable while any of its fds is ready: the
  // loop sees all of /metrics as one fd.
  loop_.watch_fd(epoll_fd_, [this] { on_events(); });
  expiry_timer_ = loop_.every(kExpiryInterval, [this] { expire(); });
  return {};
}

void MetricsServer::on_events() {
  std::array<epoll_event, kEventBatch> events{};
  const int n = ::epoll_wait(epoll_fd_, events.data(), kEventBatch, 0);
  for (int i = 0; i < n; ++i) {
    const int fd = events[static_cast<std::size_t>(i)].data.fd;
    if (fd == listen_fd_) {
      accept_all();
      continue;
    }
    const auto it = connections_.find(fd);
    if (it == connections_.end()) continue;  // closed earlier in this batch
    Connection& c = it->second;
    if (c.phase == Phase::writing) {
      on_writable(fd, c);
    } else {
      on_readable(fd, c);
    }
  }
}

void MetricsServer::accept_all() {
  for (int i = 0; i < kEventBatch; ++i) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or the client gave up (ECONNABORTED): nothing to do
    if (connections_.size() >= limits_.max_connections) evict_oldest_reader();
    if (connections_.size() >= limits_.max_connections) {
      ::close(fd);  // every slot is busy answering
      continue;
    }
    Connection c;
    c.accepted = clock_.monotonic();
    c.deadline = c.accepted + limits_.request_timeout;
    connections_.emplace(fd, std::move(c));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
}

void MetricsServer::on_readable(int fd, Connection& c) {
  std::array<char, kReadChunk> chunk{};
  const ssize_t got = ::recv(fd, chunk.data(), chunk.size(), 0);
  if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (got <= 0) {
    close_connection(fd);  // the client closed (or reset) before or after its answer
    return;
  }
  if (c.phase == Phase::draining) return;  // dropped: the answer is out
  c.in.append(chunk.data(), static_cast<std::size_t>(got));
  answer(fd, c);
}

void MetricsServer::answer(int fd, Connection& c) {
  const HttpParse parsed = parse_request_head(c.in);
  HttpAnswer a;
  a.content_type = "text/plain; charset=utf-8";
  switch (parsed.state) {
    case HttpParse::State::incomplete:
      return;
    case HttpParse::State::bad:
      a.status = 400;
      a.body = parsed.problem + "\n";
      break;
    case HttpParse::State::too_large:
      a.status = 431;
      a.body = parsed.problem + "\n";
      break;
    case HttpParse::State::complete:
      if (parsed.head.path != "/metrics") {
        a.status = 404;
        a.body = "only /metrics is served here\n";
      } else if (parsed.head.method != "GET" && parsed.head.method != "HEAD") {
        a.status = 405;
        a.body = "/metrics answers GET and HEAD\n";
      } else {
        const MonoTime now = clock_.monotonic();
        if (!rendered_ || now - rendered_at_ >= limits_.render_reuse) {
          rendered_ = std::make_shared<const std::string>(render_());
          rendered_at_ = now;
        }
        c.out = format_response_head(200, kMetricsContentType, rendered_->size());
        if (parsed.head.method != "HEAD") c.body = rendered_;
        ++served_;
      }
      break;
  }
  c.in.clear();
  c.in.shrink_to_fit();
  if (!c.body && c.out.empty()) c.out = format_response(a);
  c.phase = Phase::writing;
  c.deadline = clock_.monotonic() + limits_.response_timeout;
  set_events(fd, EPOLLOUT);
  on_writable(fd, c);  // most answers fit the socket buffer at once
}

void MetricsServer::on_writable(int fd, Connection& c) {
  const std::size_t total = c.out.size() + (c.body ? c.body->size() : 0);
  while (c.sent < total) {
    const bool in_head = c.sent < c.out.size();
    const char* from = in_head ? c.out.data() + c.sent : c.body->data() + (c.sent - c.out.size());
    const std::size_t left = in_head ? c.out.size() - c.sent : total - c.sent;
    const ssize_t n = ::send(fd, from, left, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      close_connection(fd);
      return;
    }
    c.sent += static_cast<std::size_t>(n);
  }
  c.out.clear();
  c.out.shrink_to_fit();
  c.body.reset();
  ::shutdown(fd, SHUT_WR);
  c.phase = Phase::draining;
  c.deadline = clock_.monotonic() + kDrainTime;
  set_events(fd, EPOLLIN);
}

void MetricsServer::expire() {
  const MonoTime now = clock_.monotonic();
  std::vector<int> late;
  for (const auto& [fd, c] : connections_) {
    if (now >= c.deadline) late.push_back(fd);
  }
  for (int fd : late) {
    const Connection& c = connections_.at(fd);
    if (c.phase == Phase::reading) {
      spdlog::debug("metrics: closed a connection that sent no complete request within {} ms",
                    limits_.request_timeout.count());
    } else if (c.phase == Phase::writing) {
      spdlog::debug("metrics: closed a connection that did not take its answer within {} ms",
                    limits_.response_timeout.count());
    }
    close_connection(fd);
  }
}

void MetricsServer::evict_oldest_reader() {
  int oldest = -1;
  MonoTime when = MonoTime::max();
  for (const auto& [fd, c] : connections_) {
    if (c.phase == Phase::reading && c.accepted < when) {
      when = c.accepted;
      oldest = fd;
    }
  }
  if (oldest >= 0) close_connection(oldest);
}

void MetricsServer::close_connection(int fd) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  connections_.erase(fd);
}

void MetricsServer::set_events(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

}  // namespace herd::controller
