#pragma once
// Fills a heartbeat from /proc. A source that cannot be read keeps its last
// good value and reports the error once, so a heartbeat (which is what keeps
// the node up) is never held back by a collector.

#include <string>

#include "common/result.hpp"
#include "protocol/messages.hpp"

namespace herd::agent {

class HeartbeatSource {
 public:
  explicit HeartbeatSource(std::string proc_root = "/proc") : proc_root_(std::move(proc_root)) {}

  // The heartbeat, and the first error of this sample if any.
  [[nodiscard]] protocol::Heartbeat sample(std::string* error = nullptr);

 private:
  std::string proc_root_;
  protocol::Heartbeat last_;
};

}  // namespace herd::agent
