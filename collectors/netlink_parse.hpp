#pragma once
// Pure parsers of rtnetlink messages (RTM_NEWLINK, RTM_NEWADDR), bytes in,
// records out. We parse the attributes ourselves with libnl's nla_parse and
// a length policy instead of libnl-route's object cache, because the cache
// turns an attribute the kernel did not send into a silent 0: here a missing
// or short attribute becomes a named problem and the field stays absent.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "protocol/report_model.hpp"

namespace herd::collectors {

struct ParsedLink {
  protocol::Link link;
  // Attributes that were missing or malformed; the fields they feed are absent.
  std::vector<std::string> problems;
};

// One RTM_NEWLINK message (header included). An error when it is not one, is
// truncated, or lacks the interface name; other gaps are listed in `problems`.
[[nodiscard]] Result<ParsedLink> parse_link_message(std::span<const uint8_t> message);

struct ParsedAddress {
  uint32_t index = 0;
  std::string address;  // "10.0.0.1/24", "fe80::1/64"
};

// One RTM_NEWADDR message (header included).
[[nodiscard]] Result<ParsedAddress> parse_address_message(std::span<const uint8_t> message);

}  // namespace herd::collectors
