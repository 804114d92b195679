#include "controller/http_request.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/metrics_server.hpp"

using testing::HasSubstr;
using testing::StartsWith;

namespace herd::controller {
namespace {

using State = HttpParse::State;

TEST(HttpRequest, CompleteGetIsParsedAndTheQueryStringDropped) {
  const auto p = parse_request_head("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n");
  ASSERT_EQ(p.state, State::complete) << p.problem;
  EXPECT_EQ(p.head.method, "GET");
  EXPECT_EQ(p.head.path, "/metrics");
  EXPECT_EQ(parse_request_head("HEAD / HTTP/1.0\n\n").state, State::complete);  // bare \n line ends
}

TEST(HttpRequest, PartialHeadIsIncomplete) {
  EXPECT_EQ(parse_request_head("").state, State::incomplete);
  EXPECT_EQ(parse_request_head("GE").state, State::incomplete);
  EXPECT_EQ(parse_request_head("GET /metrics HTTP/1.1\r\nHost: a\r\n").state, State::incomplete);
}

TEST(HttpRequest, MalformedRequestLinesAreBad) {
  for (const char* text : {"\r\n\r\n", "GET\r\n\r\n", "GET /metrics\r\n\r\n", " /metrics HTTP/1.1\r\n\r\n",
                           "GET metrics HTTP/1.1\r\n\r\n", "GET /metrics HTTP/2.0\r\n\r\n",
                           "G(T /metrics HTTP/1.1\r\n\r\n", "GET /met\x01rics HTTP/1.1\r\n\r\n",
                           "GET /metrics HTTP/1.1 extra\r\n\r\n"}) {
    const auto p = parse_request_head(text);
    EXPECT_EQ(p.state, State::bad) << text;
    EXPECT_FALSE(p.problem.empty()) << text;
  }
}

TEST(HttpRequest, BinaryGarbageIsRefusedBeforeTheHeadEnds) {
  const std::string garbage("\x16\x03\x01\x02\x00\x01\x00", 7);  // a TLS ClientHello
  EXPECT_EQ(parse_request_head(garbage).state, State::bad);
}

TEST(HttpRequest, OversizedHeadIsTooLarge) {
  std::string head = "GET /metrics HTTP/1.1\r\n";
  while (head.size() <= kMaxRequestHead) head += "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
  EXPECT_EQ(parse_request_head(head).state, State::too_large);            // no end in sight
  EXPECT_EQ(parse_request_head(head + "\r\n").state, State::too_large);   // ends, but too late
  EXPECT_EQ(parse_request_head("GET / HTTP/1.1\r\n\r\n", 10).state, State::too_large);
}

TEST(HttpRequest, ResponseHasLengthAndClosesTheConnection) {
  HttpAnswer a;
  a.content_type = "text/plain";
  a.body = "hello\n";
  EXPECT_EQ(format_response(a),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n");
  a.head_only = true;
  EXPECT_THAT(format_response(a), testing::EndsWith("Content-Length: 6\r\nConnection: close\r\n\r\n"));
  a.status = 405;
  a.head_only = false;
  EXPECT_THAT(format_response(a), StartsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
  EXPECT_THAT(format_response(a), HasSubstr("Allow: GET, HEAD\r\n"));
}

TEST(ListenAddress, ParsesHostAndPort) {
  auto a = parse_listen_address("127.0.0.1:9477");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9477);
  auto b = parse_listen_address("[::1]:80");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 80);
  EXPECT_TRUE(parse_listen_address("localhost:1").ok());
}

TEST(ListenAddress, RefusesWhatIsNotHostColonPort) {
  for (const char* text : {"", "9477", ":9477", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:94x",
                           "127.0.0.1:-1", "::1:9477", "[::1]9477", "http://127.0.0.1:9477"}) {
    EXPECT_FALSE(parse_listen_address(text).ok()) << text;
  }
}

}  // namespace
}  // namespace herd::controller
