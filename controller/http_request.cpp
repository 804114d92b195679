#include "controller/http_request.hpp"

#include <fmt/format.h>

namespace herd::controller {

namespace {

bool is_token_char(char c) {
  // RFC 9110 tchar, enough to refuse binary garbage as a method.
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' || c == '+' ||
         c == '^' || c == '`' || c == '|' || c == '~';
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

HttpParse bad(std::string problem) {
  HttpParse p;
  p.state = HttpParse::State::bad;
  p.problem = std::move(problem);
  return p;
}

}  // namespace

HttpParse parse_request_head(std::string_view received, std::size_t max_head) {
  // The head ends at an empty line; lenient clients end lines with \n alone.
  std::size_t end = received.find("\r\n\r\n");
  if (end == std::string_view::npos) end = received.find("\n\n");
  if (end == std::string_view::npos || end > max_head) {
    if (received.size() > max_head || end != std::string_view::npos) {
      HttpParse p;
      p.state = HttpParse::State::too_large;
      p.problem = fmt::format("request head longer than {} bytes", max_head);
      return p;
    }
    // The request line alone can already be judged: garbage is refused
    // before the client sends (or pretends to send) the rest.
    const std::size_t line_end = received.find('\n');
    if (line_end == std::string_view::npos) {
      for (char c : received) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\r') || u >= 0x7f) {
          return bad("request line is not text");
        }
      }
    }
    return {};
  }
  const std::size_t line_end = received.find('\n');
  std::string_view line = received.substr(0, line_end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return bad("request line has no method");
  const std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return bad("request line has no HTTP version");
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  for (char c : method) {
    if (!is_token_char(c)) return bad("method is not a token");
  }
  if (target.empty() || target.front() != '/') return bad("request target is not an absolute path");
  for (char c : target) {
    if (c <= ' ' || c == 0x7f) return bad("request target has control characters or spaces");
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return bad("not HTTP/1.0 or HTTP/1.1");

  HttpParse p;
  p.state = HttpParse::State::complete;
  p.head.method = std::string(method);
  p.head.path = std::string(target.substr(0, target.find('?')));
  return p;
}

std::string format_response_head(int status, std::string_view content_type, std::size_t content_length) {
  return fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n{}\r\n",
                     status, reason_phrase(status), content_type, content_length,
                     status == 405 ? "Allow: GET, HEAD\r\n" : "");
}

std::string format_response(const HttpAnswer& a) {
  std::string out = format_response_head(a.status, a.content_type, a.body.size());
  if (!a.head_only) out += a.body;
  return out;
}

}  // namespace herd::controller
