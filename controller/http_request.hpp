#pragma once
// The little HTTP/1.x that /metrics needs (pure): read a request head from
// the bytes received so far, decide the answer, format the response. The
// metrics server (controller/metrics_server.hpp) does the I/O.

#include <cstddef>
#include <string>
#include <string_view>

namespace herd::controller {

// Bytes of request line plus headers accepted; more is refused with 431.
inline constexpr std::size_t kMaxRequestHead = 8192;

struct HttpRequestHead {
  std::string method;
  std::string path;  // the target without its query string
};

struct HttpParse {
  enum class State { incomplete, complete, bad, too_large } state = State::incomplete;
  HttpRequestHead head;
  std::string problem;  // for bad and too_large
};

// `received`: everything read from the connection so far. A request body is
// not read (GET and HEAD have none); the connection closes after one answer.
[[nodiscard]] HttpParse parse_request_head(std::string_view received, std::size_t max_head = kMaxRequestHead);

struct HttpAnswer {
  int status = 200;
  std::string content_type;
  std::string body;
  bool head_only = false;  // HEAD: headers with the GET's length, no body
};

// The full response bytes, with `Connection: close`.
[[nodiscard]] std::string format_response(const HttpAnswer& answer);
// The status line and headers alone, for a body sent from elsewhere.
[[nodiscard]] std::string format_response_head(int status, std::string_view content_type, std::size_t content_length);

}  // namespace herd::controller
