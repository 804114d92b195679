#include "collectors/netlink_parse.hpp"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>

#include <cstring>

namespace herd::collectors {
namespace {

// The bytes copied into storage aligned for nlmsghdr, checked to be one whole
// message of `type` with a family header of `header_size` bytes.
Result<std::vector<uint64_t>> aligned_message(std::span<const uint8_t> bytes, uint16_t type, std::size_t header_size,
                                              const char* what) {
  if (bytes.size() < NLMSG_HDRLEN + header_size) {
    return fail("{}: message of {} bytes is shorter than its headers", what, bytes.size());
  }
  if (bytes.size() > (1u << 20)) return fail("{}: message of {} bytes is implausibly large", what, bytes.size());
  std::vector<uint64_t> storage((bytes.size() + 7) / 8, 0);
  std::memcpy(storage.data(), bytes.data(), bytes.size());
  const auto* header = reinterpret_cast<const nlmsghdr*>(storage.data());
  if (header->nlmsg_type != type) return fail("{}: unexpected message type {}", what, header->nlmsg_type);
  if (header->nlmsg_len > bytes.size() || header->nlmsg_len < NLMSG_HDRLEN + header_size) {
    return fail("{}: length field {} does not match the {} bytes received", what, header->nlmsg_len, bytes.size());
  }
  return storage;
}

std::string attribute_string(const nlattr* attribute) {
  const auto* data = static_cast<const char*>(nla_data(attribute));
  return std::string(data, ::strnlen(data, static_cast<std::size_t>(nla_len(attribute))));
}

std::string hex_address(const nlattr* attribute) {
  const auto* data = static_cast<const uint8_t*>(nla_data(attribute));
  std::string out;
  for (int i = 0; i < nla_len(attribute); ++i) {
    out += fmt::format("{}{:02x}", i ? ":" : "", data[i]);
  }
  return out;
}

// Copies the first eight counters of `Stats` (rtnl_link_stats64 or the 32-bit
// rtnl_link_stats: the same order in both). Later kernels append fields, so a
// longer attribute is fine and a shorter one is refused.
template <typename Stats>
void copy_counters(const nlattr* attribute, const char* name, ParsedLink& parsed) {
  using Counter = decltype(Stats{}.rx_packets);
  Stats stats{};
  const auto length = static_cast<std::size_t>(nla_len(attribute));
  if (length < 8 * sizeof(Counter)) {
    parsed.problems.push_back(fmt::format("{} is {} bytes, too short for the counters", name, length));
    return;
  }
  std::memcpy(&stats, nla_data(attribute), std::min(length, sizeof stats));
  protocol::Link& link = parsed.link;
  link.rx_packets = stats.rx_packets, link.tx_packets = stats.tx_packets;
  link.rx_bytes = stats.rx_bytes, link.tx_bytes = stats.tx_bytes;
  link.rx_errors = stats.rx_errors, link.tx_errors = stats.tx_errors;
  link.rx_dropped = stats.rx_dropped, link.tx_dropped = stats.tx_dropped;
}

void read_stats(nlattr* const* tb, ParsedLink& parsed) {
  if (tb[IFLA_STATS64] != nullptr) {
    copy_counters<rtnl_link_stats64>(tb[IFLA_STATS64], "IFLA_STATS64", parsed);
  } else if (tb[IFLA_STATS] != nullptr) {
    copy_counters<rtnl_link_stats>(tb[IFLA_STATS], "IFLA_STATS", parsed);
  } else {
    parsed.problems.push_back("neither IFLA_STATS64 nor IFLA_STATS: no traffic counters");
  }
}

}  // namespace

Result<ParsedLink> parse_link_message(std::span<const uint8_t> message) {
  auto storage = aligned_message(message, RTM_NEWLINK, sizeof(ifinfomsg), "RTM_NEWLINK");
  if (!storage) return std::move(storage).error();
  auto* header = reinterpret_cast<nlmsghdr*>(storage->data());
  const auto* info = static_cast<const ifinfomsg*>(nlmsg_data(header));

  nla_policy policy[IFLA_MAX + 1] = {};
  policy[IFLA_IFNAME] = {NLA_STRING, 1, IFNAMSIZ};
  policy[IFLA_OPERSTATE] = {NLA_U8, 0, 0};
  policy[IFLA_CARRIER] = {NLA_U8, 0, 0};
  policy[IFLA_MTU] = {NLA_U32, 0, 0};
  policy[IFLA_LINKINFO] = {NLA_NESTED, 0, 0};
  nlattr* tb[IFLA_MAX + 1] = {};
  if (int rc = nlmsg_parse(header, sizeof(ifinfomsg), tb, IFLA_MAX, policy); rc < 0) {
    return fail("RTM_NEWLINK for index {}: malformed attributes: {}", info->ifi_index, nl_geterror(rc));
  }
  if (tb[IFLA_IFNAME] == nullptr) return fail("RTM_NEWLINK for index {}: no IFLA_IFNAME", info->ifi_index);

  ParsedLink parsed;
  protocol::Link& link = parsed.link;
  link.name = attribute_string(tb[IFLA_IFNAME]);
  link.index = static_cast<uint32_t>(info->ifi_index);
  link.admin_up = (info->ifi_flags & IFF_UP) != 0;
  if (tb[IFLA_OPERSTATE] != nullptr) {
    char name[32];
    link.oper_state = rtnl_link_operstate2str(nla_get_u8(tb[IFLA_OPERSTATE]), name, sizeof name);
  } else {
    link.oper_state = "unknown";
    parsed.problems.push_back("no IFLA_OPERSTATE: operational state unknown");
  }
  if (tb[IFLA_CARRIER] != nullptr) link.carrier = nla_get_u8(tb[IFLA_CARRIER]) != 0;
  if (tb[IFLA_MTU] != nullptr) link.mtu = nla_get_u32(tb[IFLA_MTU]);
  if (tb[IFLA_ADDRESS] != nullptr && nla_len(tb[IFLA_ADDRESS]) > 0 && nla_len(tb[IFLA_ADDRESS]) <= 32) {
    link.mac = hex_address(tb[IFLA_ADDRESS]);
  }
  if (tb[IFLA_LINKINFO] != nullptr) {
    nla_policy info_policy[IFLA_INFO_MAX + 1] = {};
    info_policy[IFLA_INFO_KIND] = {NLA_STRING, 1, 32};
    nlattr* info_tb[IFLA_INFO_MAX + 1] = {};
    if (nla_parse_nested(info_tb, IFLA_INFO_MAX, tb[IFLA_LINKINFO], info_policy) < 0) {
      parsed.problems.push_back("malformed IFLA_LINKINFO");
    } else if (info_tb[IFLA_INFO_KIND] != nullptr) {
      link.kind = attribute_string(info_tb[IFLA_INFO_KIND]);
    }
  }
  read_stats(tb, parsed);
  return parsed;
}

Result<ParsedAddress> parse_address_message(std::span<const uint8_t> message) {
  auto storage = aligned_message(message, RTM_NEWADDR, sizeof(ifaddrmsg), "RTM_NEWADDR");
  if (!storage) return std::move(storage).error();
  auto* header = reinterpret_cast<nlmsghdr*>(storage->data());
  const auto* info = static_cast<const ifaddrmsg*>(nlmsg_data(header));
  nla_policy policy[IFA_MAX + 1] = {};
  nlattr* tb[IFA_MAX + 1] = {};
  if (int rc = nlmsg_parse(header, sizeof(ifaddrmsg), tb, IFA_MAX, policy); rc < 0) {
    return fail("RTM_NEWADDR for index {}: malformed attributes: {}", info->ifa_index, nl_geterror(rc));
  }
  // On point-to-point links IFA_ADDRESS is the peer; IFA_LOCAL is ours when present.
  const nlattr* address = tb[IFA_LOCAL] != nullptr ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
  if (address == nullptr) return fail("RTM_NEWADDR for index {}: no IFA_LOCAL or IFA_ADDRESS", info->ifa_index);
  const std::size_t expected = info->ifa_family == AF_INET ? 4 : info->ifa_family == AF_INET6 ? 16 : 0;
  if (expected == 0) return fail("RTM_NEWADDR for index {}: unsupported family {}", info->ifa_index, info->ifa_family);
  if (static_cast<std::size_t>(nla_len(address)) != expected) {
    return fail("RTM_NEWADDR for index {}: address of {} bytes for family {}", info->ifa_index, nla_len(address),
                info->ifa_family);
  }
  char text[INET6_ADDRSTRLEN] = {};
  if (::inet_ntop(info->ifa_family, nla_data(address), text, sizeof text) == nullptr) {
    return fail("RTM_NEWADDR for index {}: unprintable address", info->ifa_index);
  }
  const unsigned max_prefix = expected == 4 ? 32 : 128;
  if (info->ifa_prefixlen > max_prefix) {
    return fail("RTM_NEWADDR for index {}: prefix length {} out of range", info->ifa_index, info->ifa_prefixlen);
  }
  return ParsedAddress{info->ifa_index, fmt::format("{}/{}", text, info->ifa_prefixlen)};
}

}  // namespace herd::collectors
