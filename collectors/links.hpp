#pragma once
// Collector "links": network links from rtnetlink (libnl): operational
// state, carrier, traffic and error counters, addresses. Reads the network
// namespace of the calling thread (the agent's; a test's own namespace).

#include <string>
#include <vector>

#include "collectors/collector.hpp"

namespace herd::collectors {

class LinksCollector final : public Collector {
 public:
  // `patterns`: shell globs of link names to report (fnmatch); empty: every link.
  explicit LinksCollector(std::vector<std::string> patterns = {}) : patterns_(std::move(patterns)) {}
  [[nodiscard]] std::string_view name() const override { return "links"; }
  void collect(protocol::NodeReport& report) override;

 private:
  [[nodiscard]] bool wanted(const std::string& link) const;
  std::vector<std::string> patterns_;
};

// Every message of an rtnetlink dump (RTM_GETLINK, RTM_GETADDR), as raw bytes.
[[nodiscard]] Result<std::vector<std::vector<uint8_t>>> rtnetlink_dump(int request_type);

}  // namespace herd::collectors
