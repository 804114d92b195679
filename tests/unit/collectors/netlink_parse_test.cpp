#include "collectors/netlink_parse.hpp"

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "samples.hpp"

using testing::ElementsAre;
using testing::HasSubstr;

namespace herd::collectors {
namespace {

TEST(ParseLinkMessage, ReadsTheCapturedLoopback) {
  auto parsed = parse_link_message(test::hex_sample("rtm_newlink_lo.hex"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const protocol::Link& link = parsed->link;
  EXPECT_EQ(link.name, "lo");
  EXPECT_EQ(link.index, 1u);
  EXPECT_TRUE(link.admin_up);
  EXPECT_EQ(link.oper_state, "unknown");  // loopback has no notion of state
  EXPECT_EQ(link.mtu, 65536u);
  EXPECT_EQ(link.mac, "00:00:00:00:00:00");
  EXPECT_TRUE(link.rx_bytes.has_value());
  EXPECT_TRUE(parsed->problems.empty());
}

TEST(ParseLinkMessage, ReadsTheCapturedVethWhosePeerIsDown) {
  auto parsed = parse_link_message(test::hex_sample("rtm_newlink_veth_lowerlayerdown.hex"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->link.name, "v0");
  EXPECT_EQ(parsed->link.kind, "veth");
  EXPECT_TRUE(parsed->link.admin_up);
  EXPECT_EQ(parsed->link.oper_state, "lowerlayerdown");
  EXPECT_EQ(parsed->link.carrier, false);
  EXPECT_EQ(parsed->link.rx_errors, 0u);
}

// Rewrites a captured message with one attribute's type changed to an unused
// number, i.e. the attribute removed as far as the parser can tell.
std::vector<uint8_t> without_attribute(std::vector<uint8_t> message, uint16_t type) {
  std::size_t offset = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
  while (offset + 4 <= message.size()) {
    uint16_t length = 0, attr_type = 0;
    std::memcpy(&length, &message[offset], 2);
    std::memcpy(&attr_type, &message[offset + 2], 2);
    if (length < 4) break;
    if ((attr_type & NLA_TYPE_MASK) == type) {
      const uint16_t unused = 0x3fff;
      std::memcpy(&message[offset + 2], &unused, 2);
    }
    offset += NLA_ALIGN(length);
  }
  return message;
}

TEST(ParseLinkMessage, AMissingOperstateIsAProblemNotAGuess) {
  auto parsed = parse_link_message(without_attribute(test::hex_sample("rtm_newlink_lo.hex"), IFLA_OPERSTATE));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->link.oper_state, "unknown");
  EXPECT_THAT(parsed->problems, ElementsAre(HasSubstr("IFLA_OPERSTATE")));
}

TEST(ParseLinkMessage, MissingCountersAreAbsentNotZero) {
  auto message = without_attribute(test::hex_sample("rtm_newlink_lo.hex"), IFLA_STATS64);
  message = without_attribute(std::move(message), IFLA_STATS);
  auto parsed = parse_link_message(message);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->link.rx_bytes.has_value());
  EXPECT_FALSE(parsed->link.tx_errors.has_value());
  EXPECT_THAT(parsed->problems, ElementsAre(HasSubstr("no traffic counters")));
}

TEST(ParseLinkMessage, ALinkWithoutANameIsAnError) {
  auto parsed = parse_link_message(without_attribute(test::hex_sample("rtm_newlink_lo.hex"), IFLA_IFNAME));
  EXPECT_THAT(parsed.error().message, HasSubstr("no IFLA_IFNAME"));
}

TEST(ParseLinkMessage, RefusesTruncatedAndForeignMessages) {
  const auto good = test::hex_sample("rtm_newlink_lo.hex");
  EXPECT_THAT(parse_link_message(std::span(good).first(20)).error().message, HasSubstr("shorter than its headers"));
  EXPECT_THAT(parse_link_message(std::span(good).first(200)).error().message, HasSubstr("does not match"));
  auto foreign = good;
  foreign[4] = RTM_NEWADDR;
  EXPECT_THAT(parse_link_message(foreign).error().message, HasSubstr("unexpected message type"));
  // An attribute whose length runs past the end of the message.
  auto overrun = good;
  const std::size_t first_attribute = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
  const uint16_t huge = 0xfff0;
  std::memcpy(&overrun[first_attribute], &huge, 2);
  auto parsed = parse_link_message(overrun);
  if (parsed.ok()) {
    // libnl stops at the malformed attribute: what is left must still be true, never invented.
    EXPECT_FALSE(parsed->link.name.empty());
  } else {
    EXPECT_THAT(parsed.error().message, HasSubstr("RTM_NEWLINK"));
  }
}

TEST(ParseLinkMessage, AShortStats64IsRefused) {
  auto message = without_attribute(test::hex_sample("rtm_newlink_lo.hex"), IFLA_STATS);
  // Shrink IFLA_STATS64's declared length below the eight counters.
  std::size_t offset = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
  while (offset + 4 <= message.size()) {
    uint16_t length = 0, type = 0;
    std::memcpy(&length, &message[offset], 2);
    std::memcpy(&type, &message[offset + 2], 2);
    if (type == IFLA_STATS64) {
      const uint16_t short_length = 4 + 16;
      std::memcpy(&message[offset], &short_length, 2);
      // Pad what follows as an unknown attribute so the rest still parses.
      const uint16_t rest = static_cast<uint16_t>(length - short_length), unused = 0x3ffe;
      std::memcpy(&message[offset + short_length], &rest, 2);
      std::memcpy(&message[offset + short_length + 2], &unused, 2);
      break;
    }
    offset += NLA_ALIGN(length);
  }
  auto parsed = parse_link_message(message);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_FALSE(parsed->link.rx_bytes.has_value());
  EXPECT_THAT(parsed->problems, ElementsAre(HasSubstr("too short")));
}

TEST(ParseAddressMessage, ReadsCapturedIpv4AndIpv6) {
  auto v4 = parse_address_message(test::hex_sample("rtm_newaddr_ipv4.hex"));
  ASSERT_TRUE(v4.ok()) << v4.error().message;
  EXPECT_EQ(v4->address, "10.9.8.7/24");
  EXPECT_EQ(v4->index, 3u);
  auto v6 = parse_address_message(test::hex_sample("rtm_newaddr_ipv6.hex"));
  ASSERT_TRUE(v6.ok()) << v6.error().message;
  EXPECT_EQ(v6->address, "::1/128");
}

TEST(ParseAddressMessage, RefusesAnAddressOfTheWrongSize) {
  auto message = test::hex_sample("rtm_newaddr_ipv4.hex");
  message[NLMSG_HDRLEN] = AF_INET6;  // claims IPv6, carries 4 bytes
  EXPECT_THAT(parse_address_message(message).error().message, HasSubstr("address of 4 bytes"));
}

}  // namespace
}  // namespace herd::collectors
