// /metrics of a real controller with real agents, fetched over real HTTP,
// checked by promtool and scraped by a real Prometheus server on loopback.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/cluster.hpp"

using namespace std::chrono_literals;
using testing::HasSubstr;
using testing::StartsWith;

namespace herd::test {
namespace {

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `request` as it is and reads the answer until the server closes.
std::string http_exchange(int port, const std::string& request) {
  const int fd = connect_loopback(port);
  if (fd < 0) return "";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string answer;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return answer;
}

std::string http_get(int port, const std::string& path) {
  return http_exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\nConnection: close\r\n\r\n");
}

std::string body_of(const std::string& answer) {
  const auto at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

// The value of one series in exposition text, or -1 when it is absent.
double value_of(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

// The tool's absolute path from PATH (the test's processes are started with
// execv), or empty when it is not installed.
std::string find_tool(const std::string& tool) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = dirs.substr(start, end - start) + "/" + tool;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

class MetricsCluster : public testing::Test {
 protected:
  void SetUp() override {
    port_ = free_tcp_port();
    for (const char* n : {"node01", "node02"}) cluster_.add_node(n);
    cluster_.start_controller("metrics_listen = \"127.0.0.1:" + std::to_string(port_) + "\"\n");
    for (const char* n : {"node01", "node02"}) cluster_.start_agent(n);
    ASSERT_TRUE(Cluster::eventually(
        [&] {
          const std::string m = body_of(http_get(port_, "/metrics"));
          return value_of(m, "herd_node_up{node=\"node01\"}") == 1 && value_of(m, "herd_node_up{node=\"node02\"}") == 1;
        },
        20s))
        << http_get(port_, "/metrics") << cluster_.controller_log();
  }

  Cluster cluster_;
  int port_ = 0;
};

TEST_F(MetricsCluster, NodesUpThenDownAfterTheAgentIsKilledAndPromtoolAccepts) {
  const std::string first = http_get(port_, "/metrics");
  EXPECT_THAT(first, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(first, HasSubstr("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  const std::string m1 = body_of(first);
  EXPECT_GT(value_of(m1, "herd_node_last_seen_timestamp_seconds{node=\"node01\"}"), 1.7e9);
  EXPECT_EQ(value_of(m1, "herd_directory_revision"), 0);
  EXPECT_GE(value_of(m1, "herd_controller_queries_total{kind=\"status_query\"}"), 1);  // the cluster's readiness probe
  EXPECT_GT(value_of(m1, "herd_controller_messages_received_total"), 0);

  if (const std::string promtool = find_tool("promtool"); !promtool.empty()) {
    std::ofstream(cluster_.dir() / "metrics.txt") << m1;
    const auto r = run_command({"/bin/sh", "-c", promtool + " check metrics < " + (cluster_.dir() / "metrics.txt")}, 30s);
    EXPECT_EQ(r.exit_code, 0) << "promtool check metrics:\n" << r.out << r.err;
  } else {
    std::printf("promtool not found (Debian package prometheus): skipping promtool check metrics\n");
  }

  cluster_.kill_agent("node02", SIGKILL);
  std::string m2;
  EXPECT_TRUE(Cluster::eventually(
      [&] {
        m2 = body_of(http_get(port_, "/metrics"));
        return value_of(m2, "herd_node_up{node=\"node02\"}") == 0;
      },
      15s))
      << m2;
  EXPECT_EQ(value_of(m2, "herd_node_up{node=\"node01\"}"), 1);
  // Counters only grow: heartbeats kept arriving between the scrapes.
  EXPECT_GT(value_of(m2, "herd_controller_messages_received_total"),
            value_of(m1, "herd_controller_messages_received_total"));
  EXPECT_GE(value_of(m2, "herd_controller_messages_sent_total"), value_of(m1, "herd_controller_messages_sent_total"));
}

TEST_F(MetricsCluster, HostileHttpClientsDoNotStopScrapesOrTheController) {
  EXPECT_THAT(http_get(port_, "/"), StartsWith("HTTP/1.1 404 "));
  EXPECT_THAT(http_exchange(port_, "PUT /metrics HTTP/1.1\r\n\r\n"), StartsWith("HTTP/1.1 405 "));
  EXPECT_THAT(http_exchange(port_, std::string("\x00\xff\xfe garbage\r\n\r\n", 15)), StartsWith("HTTP/1.1 400 "));
  EXPECT_THAT(http_exchange(port_, "GET /metrics HTTP/1.1\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n"),
              StartsWith("HTTP/1.1 431 "));

  // A slowloris client holds its connection open, sending a byte now and then...
  const int slow = connect_loopback(port_);
  ASSERT_GE(slow, 0);
  ::send(slow, "GET /met", 8, MSG_NOSIGNAL);
  // ...while scrapes and queries are answered at once.
  for (int i = 0; i < 5; ++i) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_THAT(http_get(port_, "/metrics"), StartsWith("HTTP/1.1 200 OK"));
    EXPECT_EQ(cluster_.herd({"status"}).exit_code, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    ::send(slow, "r", 1, MSG_NOSIGNAL);
  }
  // The slow client is cut off at the request deadline (5 s after it
  // connected) without an answer. Wait up to 10 s for that: the deadline
  // counts from the connect, the wait from after the scrapes above.
  const timeval patience{10, 0};
  ::setsockopt(slow, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  char buf[64];
  const ssize_t n = ::recv(slow, buf, sizeof buf, 0);
  EXPECT_EQ(n, 0) << "expected the server to close the slow connection";
  ::close(slow);
  EXPECT_EQ(cluster_.node_state("node01"), "up");
}

TEST(MetricsConfig, ABusyPortStopsTheControllerWithTheAddress) {
  Cluster cluster;
  const int port = free_tcp_port();
  const int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(holder, 1), 0);
  EXPECT_THROW(cluster.start_controller("metrics_listen = \"127.0.0.1:" + std::to_string(port) + "\"\n"),
               std::runtime_error);
  EXPECT_THAT(cluster.controller_log(),
              HasSubstr("failed to listen for /metrics on 127.0.0.1:" + std::to_string(port)));
  ::close(holder);
}

TEST_F(MetricsCluster, ARealPrometheusScrapesTheNodes) {
  const std::string prometheus_binary = find_tool("prometheus");
  if (prometheus_binary.empty()) GTEST_SKIP() << "prometheus not found (Debian package prometheus)";
  const int prom_port = free_tcp_port();
  std::ofstream(cluster_.dir() / "prometheus.yml")
      << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
      << "scrape_configs:\n  - job_name: herd\n    static_configs:\n      - targets: ['127.0.0.1:" << port_
      << "']\n";
  Process prometheus({prometheus_binary, "--config.file=" + (cluster_.dir() / "prometheus.yml"),
                      "--storage.tsdb.path=" + (cluster_.dir() / "prometheus-data"),
                      "--web.listen-address=127.0.0.1:" + std::to_string(prom_port), "--log.level=warn"},
                     cluster_.dir() / "prometheus.log");
  std::string answer;
  const bool seen = Cluster::eventually(
      [&] {
        answer = body_of(http_get(prom_port, "/api/v1/query?query=herd_node_up"));
        if (answer.empty()) return false;
        const auto j = nlohmann::json::parse(answer, nullptr, false);
        if (j.is_discarded() || j["status"] != "success") return false;
        int up = 0;
        for (const auto& r : j["data"]["result"]) {
          if (r["metric"]["job"] == "herd" && r["value"][1] == "1") ++up;
        }
        return up == 2;
      },
      60s);
  EXPECT_TRUE(seen) << answer << "\n" << prometheus.log();
  // The scrape itself was healthy: up == 1 and no samples were dropped.
  const auto up = nlohmann::json::parse(body_of(http_get(prom_port, "/api/v1/query?query=up%7Bjob%3D%22herd%22%7D")),
                                        nullptr, false);
  ASSERT_FALSE(up.is_discarded());
  ASSERT_EQ(up["data"]["result"].size(), 1u) << up.dump();
  EXPECT_EQ(up["data"]["result"][0]["value"][1], "1");
  prometheus.signal(SIGTERM);
  prometheus.wait(10s);
}

}  // namespace
}  // namespace herd::test
