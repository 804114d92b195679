#pragma once
// Sends one query to the controller's (or the local agent's) query socket and
// waits for its reply, at most `timeout`. Unreachable is its own outcome, so
// the CLI can exit with status 3 and one line that says why.

#include <chrono>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "protocol/envelope.hpp"
#include "protocol/messages.hpp"

namespace herd::cli {

struct QueryFailure {
  bool unreachable = false;  // no answer at all: exit status 3
  std::string message;
};

template <typename T>
struct QueryResult {
  std::optional<T> reply;
  QueryFailure failure;
  std::string error_code;  // of an `error` reply ("bad_request", "forbidden", ...); empty otherwise
  [[nodiscard]] bool ok() const { return reply.has_value(); }
};

class QueryClient {
 public:
  QueryClient(std::string endpoint, std::chrono::milliseconds timeout)
      : endpoint_(std::move(endpoint)), timeout_(timeout) {}

  // Sends `query`; expects a reply of type Reply (or `error`).
  template <typename Reply, typename Query>
  QueryResult<Reply> ask(const Query& query) {
    QueryResult<Reply> result;
    protocol::Envelope envelope;
    envelope.sender = "herd-cli";
    envelope.seq = 1;
    envelope.time_ms = herd::to_unix_ms(std::chrono::system_clock::now());
    auto frame = exchange(protocol::encode_frame(envelope, query), result.failure);
    if (!frame) return result;
    if (frame->envelope.type == protocol::ErrorReply::kName) {
      auto error = protocol::decode_body<protocol::ErrorReply>(*frame);
      result.failure.message = error ? fmt::format("{} ({})", error->message, error->code) : error.error().message;
      if (error) result.error_code = error->code;
      return result;
    }
    if (frame->envelope.type != Reply::kName) {
      result.failure.message = fmt::format("unexpected reply \"{}\" to {}", frame->envelope.type, Query::kName);
      return result;
    }
    auto reply = protocol::decode_body<Reply>(*frame);
    if (!reply) {
      result.failure.message = "malformed reply: " + reply.error().message;
      return result;
    }
    result.reply = std::move(*reply);
    return result;
  }

 private:
  // Sends one frame and returns the decoded reply frame, or fills `failure`.
  std::optional<protocol::Frame> exchange(const std::string& request, QueryFailure& failure);

  std::string endpoint_;
  std::chrono::milliseconds timeout_;
};

}  // namespace herd::cli
