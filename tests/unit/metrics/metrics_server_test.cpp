// The /metrics server on a real event loop and real loopback sockets,
// against well-behaved and hostile clients.

#include "controller/metrics_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace std::chrono_literals;
using testing::HasSubstr;
using testing::StartsWith;

namespace herd::controller {
namespace {

// A client socket on loopback, non-blocking so the test thread can run the
// server's loop while the client waits.
class Client {
 public:
  explicit Client(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
    ::fcntl(fd_, F_SETFL, O_NONBLOCK);
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;  // the server may already have answered and closed
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // Reads what is there; true once the server closed the connection.
  bool poll() {
    char buf[65536];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        received_.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EINTR)) closed_ = true;
      return closed_;
    }
  }
  [[nodiscard]] const std::string& received() const { return received_; }
  [[nodiscard]] std::string body() const { return received_.substr(received_.find("\r\n\r\n") + 4); }

 private:
  int fd_;
  std::string received_;
  bool closed_ = false;
};

class MetricsServerTest : public testing::Test {
 protected:
  void start(MetricsServerLimits limits = {}) {
    server_ = std::make_unique<MetricsServer>(loop_, clock_, [this] {
      ++renders_;
      return body_;
    }, limits);
    auto s = server_->listen({"127.0.0.1", 0});
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
  // Sends `request` and runs the loop until the server closes the connection.
  std::string exchange(std::string_view request) {
    Client c(server_->port());
    c.send(request);
    EXPECT_TRUE(loop_.run_until([&] { return c.poll(); }, 5s)) << "no answer to " << request.substr(0, 40);
    return c.received();
  }

  SystemClock clock_;
  bus::EventLoop loop_;
  std::string body_ = "herd_node_up{node=\"a\"} 1\n";
  int renders_ = 0;
  std::unique_ptr<MetricsServer> server_;
};

TEST_F(MetricsServerTest, GetMetricsAnswersTheRenderedText) {
  start();
  const std::string r = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(r, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(r, HasSubstr("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  EXPECT_THAT(r, HasSubstr("Content-Length: 25\r\n"));
  EXPECT_THAT(r, testing::EndsWith("\r\n\r\n" + body_));
  EXPECT_EQ(renders_, 1);
  EXPECT_EQ(server_->requests_served(), 1u);
}

TEST_F(MetricsServerTest, ScrapesInABurstShareOneRendering) {
  start({64, 5s, 5s, 300ms});
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(exchange("GET /metrics HTTP/1.1\r\n\r\n"), testing::EndsWith("\r\n\r\n" + body_));
  }
  EXPECT_EQ(renders_, 1);
  loop_.run_until([] { return false; }, 350ms);
  body_ = "herd_directory_revision 2\n";
  EXPECT_THAT(exchange("GET /metrics HTTP/1.1\r\n\r\n"), testing::EndsWith("\r\n\r\nherd_directory_revision 2\n"));
  EXPECT_EQ(renders_, 2);
  EXPECT_EQ(server_->requests_served(), 6u);
}

TEST_F(MetricsServerTest, HeadAnswersHeadersOnly) {
  start();
  const std::string r = exchange("HEAD /metrics HTTP/1.0\r\n\r\n");
  EXPECT_THAT(r, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(r, testing::EndsWith("Content-Length: 25\r\nConnection: close\r\n\r\n"));
}

TEST_F(MetricsServerTest, WrongPathMethodOrGarbageAreRefusedWithoutRendering) {
  start();
  EXPECT_THAT(exchange("GET / HTTP/1.1\r\n\r\n"), StartsWith("HTTP/1.1 404 Not Found\r\n"));
  EXPECT_THAT(exchange("GET /metrics/../etc/passwd HTTP/1.1\r\n\r\n"), StartsWith("HTTP/1.1 404 "));
  EXPECT_THAT(exchange("POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"), StartsWith("HTTP/1.1 405 "));
  EXPECT_THAT(exchange("DELETE /metrics HTTP/1.1\r\n\r\n"), StartsWith("HTTP/1.1 405 "));
  EXPECT_THAT(exchange(std::string("\x16\x03\x01\x00\xa5\x01\x00\x00", 8)), StartsWith("HTTP/1.1 400 "));
  EXPECT_THAT(exchange("BLAH\r\n\r\n"), StartsWith("HTTP/1.1 400 "));
  EXPECT_EQ(renders_, 0);
}

TEST_F(MetricsServerTest, OversizedHeadersAreRefusedWith431) {
  start();
  std::string request = "GET /metrics HTTP/1.1\r\n";
  for (int i = 0; i < 2000; ++i) request += "X-Header-" + std::to_string(i) + ": 0123456789abcdef0123456789\r\n";
  request += "\r\n";
  EXPECT_THAT(exchange(request), StartsWith("HTTP/1.1 431 "));
  EXPECT_EQ(renders_, 0);
  EXPECT_TRUE(loop_.run_until([&] { return server_->connections() == 0; }, 3s));
}

TEST_F(MetricsServerTest, SlowClientIsCutOffWhileOthersAreServed) {
  start({64, 400ms, 2s});
  Client slow(server_->port());
  slow.send("GET /metr");  // ...and nothing more, ever
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(exchange("GET /metrics HTTP/1.1\r\n\r\n"), StartsWith("HTTP/1.1 200 OK"));
  }
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(loop_.run_until([&] { return slow.poll(); }, 5s)) << "the slow client was never cut off";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(slow.received(), "");  // it never sent a full request, it gets no answer
  EXPECT_EQ(server_->connections(), 0u);
}

TEST_F(MetricsServerTest, AFloodOfIdleConnectionsDoesNotLockOutAScrape) {
  start({4, 5s, 5s});
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 10; ++i) {
    idle.push_back(std::make_unique<Client>(server_->port()));
    loop_.run_until([] { return false; }, 20ms);
  }
  EXPECT_LE(server_->connections(), 4u);
  // The oldest unfinished requests make room for a new one.
  EXPECT_THAT(exchange("GET /metrics HTTP/1.1\r\n\r\n"), StartsWith("HTTP/1.1 200 OK"));
}

TEST_F(MetricsServerTest, AClientThatDoesNotReadItsAnswerDoesNotStallTheLoop) {
  body_ = std::string(16 << 20, 'x');  // far more than the socket buffers hold
  start({64, 5s, 500ms});
  Client stuck(server_->port());
  stuck.send("GET /metrics HTTP/1.1\r\n\r\n");
  // A timer on the same loop keeps firing while the answer cannot be written.
  int ticks = 0;
  loop_.every(10ms, [&] { ++ticks; });
  loop_.run_until([] { return false; }, 200ms);
  EXPECT_GE(ticks, 5);
  EXPECT_EQ(server_->connections(), 1u);
  // After response_timeout the connection is given up.
  EXPECT_TRUE(loop_.run_until([&] { return server_->connections() == 0; }, 3s));
}

}  // namespace
}  // namespace herd::controller
