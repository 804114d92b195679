#pragma once
// The HTTP server of /metrics, on the controller's own event loop.
//
// Why not cpp-httplib on a thread of its own: the controller's state is
// owned by the loop thread, so a threaded server would have to hand every
// scrape to the loop and wait for it anyway, and cpp-httplib 0.11 (Debian
// 12) holds a worker thread per slow client and keeps any number of header
// lines in memory. Here every connection is a few hundred bytes of state in
// a private epoll set that the loop watches as one fd: nothing blocks,
// requests are rendered on the loop between other messages, and hostile
// clients meet hard limits (head size, a deadline for the whole request and
// for the whole response, a cap on connections that evicts the oldest
// unfinished request).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "bus/event_loop.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"

namespace herd::controller {

struct ListenAddress {
  std::string host;  // IPv4 or IPv6 literal, or a name
  uint16_t port = 0;
};

// "HOST:PORT" or "[IPV6]:PORT"; the error says what is wrong.
[[nodiscard]] Result<ListenAddress> parse_listen_address(std::string_view text);

struct MetricsServerLimits {
  std::size_t max_connections = 64;
  // From accept to the end of the request head; a slowloris client is cut off here.
  std::chrono::milliseconds request_timeout{5000};
  // From the answer to its last byte taken by the client.
  std::chrono::milliseconds response_timeout{10000};
  // A rendering younger than this is served again instead of a new one.
  std::chrono::milliseconds render_reuse{1000};
};

class MetricsServer {
 public:
  using Render = std::function<std::string()>;

  MetricsServer(bus::EventLoop& loop, const Clock& clock, Render render, MetricsServerLimits limits = {});
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds and starts serving on the loop. Errors name the address.
  [[nodiscard]] Status listen(const ListenAddress& address);
  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] std::size_t connections() const { return connections_.size(); }
  [[nodiscard]] uint64_t requests_served() const { return served_; }

 private:
  enum class Phase { reading, writing, draining };
  struct Connection {
    Phase phase = Phase::reading;
    MonoTime accepted{};
    MonoTime deadline{};
    std::string in;
    std::string out;                          // status line and headers (and a short body)
    std::shared_ptr<const std::string> body;  // the rendered metrics, shared with other scrapes
    std::size_t sent = 0;                     // of out, then of body
  };

  void on_events();
  void accept_all();
  void on_readable(int fd, Connection& c);
  void answer(int fd, Connection& c);
  void on_writable(int fd, Connection& c);
  void expire();
  void evict_oldest_reader();
  void close_connection(int fd);
  void set_events(int fd, uint32_t events);

  bus::EventLoop& loop_;
  const Clock& clock_;
  Render render_;
  MetricsServerLimits limits_;
  int epoll_fd_ = -1;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  bus::TimerId expiry_timer_ = 0;
  std::map<int, Connection> connections_;
  uint64_t served_ = 0;
  // The latest rendering, reused by scrapes within kRenderReuse of it: a
  // burst of scrapes (or a hostile client repeating GET /metrics) costs one
  // rendering and one copy of the text, not one each.
  std::shared_ptr<const std::string> rendered_;
  MonoTime rendered_at_{};
};

}  // namespace herd::controller
