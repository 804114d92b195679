// Every way a peer can send a bad frame: each must give an error that says
// what is wrong, never a crash, an exception or an oversized allocation.

#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocol/dispatcher.hpp"
#include "protocol/envelope.hpp"
#include "protocol/messages.hpp"
#include "tests/unit/protocol/frame_fixtures.hpp"

using testing::HasSubstr;

namespace herd::protocol {
namespace {

std::string valid_heartbeat() {
  Envelope e;
  e.sender = "node01";
  e.seq = 1;
  e.time_ms = 1;
  Heartbeat hb;
  hb.load = {1, 2, 3};
  return encode_frame(e, hb);
}

// Builds a frame by hand so that any field can be wrong.
struct RawFrame {
  msgpack::sbuffer buffer;
  Packer packer{buffer};
  std::string bytes() const { return std::string(buffer.data(), buffer.size()); }
};

std::string envelope_with(const std::function<void(Packer&)>& version, std::string_view type,
                          const std::function<void(Packer&)>& body, std::string_view sender = "node01") {
  RawFrame f;
  f.packer.pack_map(6);
  f.packer.pack("version");
  version(f.packer);
  f.packer.pack("type");
  f.packer.pack(std::string(type));
  f.packer.pack("sender");
  f.packer.pack(std::string(sender));
  f.packer.pack("seq");
  f.packer.pack(1);
  f.packer.pack("time_ms");
  f.packer.pack(1);
  f.packer.pack("body");
  body(f.packer);
  return f.bytes();
}

void version_1(Packer& p) {
  p.pack_array(2);
  p.pack(1);
  p.pack(0);
}

std::string error_of(std::string_view bytes) {
  auto frame = decode_frame(bytes);
  if (!frame) return frame.error().message;
  auto hb = decode_body<Heartbeat>(*frame);
  return hb ? std::string("ok") : hb.error().message;
}

TEST(HostileDecode, EmptyFrame) { EXPECT_EQ(error_of(""), "empty frame"); }

TEST(HostileDecode, GarbageBytes) {
  EXPECT_THAT(error_of("\xc1\xc1\xc1"), HasSubstr("malformed MessagePack"));
  EXPECT_THAT(error_of("GET / HTTP/1.1\r\n\r\n"), HasSubstr("trailing data"));
}

TEST(HostileDecode, EveryTruncationIsAnError) {
  const std::string full = valid_heartbeat();
  for (std::size_t n = 1; n < full.size(); ++n) {
    const std::string message = error_of(full.substr(0, n));
    EXPECT_NE(message, "ok") << "truncated to " << n;
  }
  EXPECT_EQ(error_of(full), "ok");
}

TEST(HostileDecode, TrailingBytesAreRefused) {
  EXPECT_THAT(error_of(valid_heartbeat() + "x"), HasSubstr("1 bytes of trailing data"));
}

TEST(HostileDecode, TopLevelMustBeAMap) {
  RawFrame f;
  f.packer.pack_array(1);
  f.packer.pack(1);
  EXPECT_EQ(error_of(f.bytes()), "envelope: expected map, got array");
}

TEST(HostileDecode, OtherMajorVersionIsRefused) {
  const auto v2 = [](Packer& p) {
    p.pack_array(2);
    p.pack(2);
    p.pack(0);
  };
  EXPECT_EQ(error_of(envelope_with(v2, "heartbeat", [](Packer& p) { p.pack_map(0); })),
            "protocol version 2 is not supported (this peer speaks 1.x)");
}

TEST(HostileDecode, NewerMinorVersionIsAccepted) {
  const auto v1_7 = [](Packer& p) {
    p.pack_array(2);
    p.pack(1);
    p.pack(7);
  };
  auto frame = decode_frame(envelope_with(v1_7, "tick", [](Packer& p) {
    p.pack_map(1);
    p.pack("epoch");
    p.pack(3);
  }));
  ASSERT_TRUE(frame.ok()) << frame.error().message;
  EXPECT_EQ(frame->envelope.minor, 7u);
}

TEST(HostileDecode, VersionOfTheWrongShape) {
  EXPECT_THAT(error_of(envelope_with([](Packer& p) { p.pack("1.0"); }, "heartbeat",
                                     [](Packer& p) { p.pack_map(0); })),
              HasSubstr("envelope.version: expected [major, minor] of uint, got str"));
}

TEST(HostileDecode, MissingEnvelopeField) {
  RawFrame f;
  f.packer.pack_map(1);
  f.packer.pack("version");
  version_1(f.packer);
  EXPECT_EQ(error_of(f.bytes()), "envelope.type: missing required field");
}

TEST(HostileDecode, OversizedSender) {
  const std::string long_name(300, 'a');
  EXPECT_THAT(error_of(envelope_with(version_1, "heartbeat", [](Packer& p) { p.pack_map(0); }, long_name)),
              HasSubstr("envelope.sender: string of 300 bytes exceeds the limit of 255"));
}

TEST(HostileDecode, BodyMustBeAMap) {
  EXPECT_EQ(error_of(envelope_with(version_1, "heartbeat", [](Packer& p) { p.pack("x"); })),
            "envelope.body: expected map, got str");
}

TEST(HostileDecode, ArrayHeaderClaimingFourBillionElements) {
  // 0xdd = array 32 with a count of 0xffffffff and no elements behind it.
  const std::string bytes("\xdd\xff\xff\xff\xff", 5);
  EXPECT_THAT(error_of(bytes), HasSubstr("exceeds the decoder's limits"));
}

TEST(HostileDecode, MapHeaderClaimingFourBillionPairs) {
  const std::string bytes("\xdf\xff\xff\xff\xff", 5);
  EXPECT_THAT(error_of(bytes), HasSubstr("exceeds the decoder's limits"));
}

TEST(HostileDecode, StringHeaderClaimingFourGigabytes) {
  const std::string bytes("\x81\xdb\xff\xff\xff\xff", 6);
  EXPECT_NE(error_of(bytes), "ok");
}

TEST(HostileDecode, DeepNestingIsBounded) {
  std::string bytes(10000, '\x91');  // fixarray of one element, 10000 deep
  bytes += '\x01';
  EXPECT_THAT(error_of(bytes), HasSubstr("nested deeper than"));
}

TEST(HostileDecode, WrongFieldTypeNamesThePath) {
  const std::string bytes = envelope_with(version_1, "heartbeat", [](Packer& p) {
    p.pack_map(6);
    p.pack("uptime_ms");
    p.pack(1);
    p.pack("load");
    p.pack_array(3);
    p.pack(1.0);
    p.pack(2.0);
    p.pack("three");
    p.pack("mem_total_bytes");
    p.pack(1);
    p.pack("mem_available_bytes");
    p.pack(1);
    p.pack("swap_total_bytes");
    p.pack(1);
    p.pack("swap_free_bytes");
    p.pack(1);
  });
  EXPECT_EQ(error_of(bytes), "heartbeat.load[2]: expected float, got str");
}

TEST(HostileDecode, NegativeNumberForAnUnsignedField) {
  const std::string bytes = envelope_with(version_1, "heartbeat", [](Packer& p) {
    p.pack_map(1);
    p.pack("uptime_ms");
    p.pack(-5);
  });
  EXPECT_EQ(error_of(bytes), "heartbeat.uptime_ms: -5 is negative, expected uint");
}

TEST(HostileDecode, NumberTooLargeForTheField) {
  auto frame = decode_frame(envelope_with(version_1, "hello", [](Packer& p) {
    p.pack_map(1);
    p.pack("cpus");
    p.pack(uint64_t{1} << 40);
  }));
  ASSERT_TRUE(frame.ok());
  auto hello = decode_body<Hello>(*frame);
  ASSERT_FALSE(hello.ok());
  EXPECT_THAT(hello.error().message, HasSubstr("hello.agent_version: missing required field"));
}

TEST(HostileDecode, ArrayOfTheWrongLength) {
  const std::string bytes = envelope_with(version_1, "heartbeat", [](Packer& p) {
    p.pack_map(2);
    p.pack("uptime_ms");
    p.pack(1);
    p.pack("load");
    p.pack_array(2);
    p.pack(1.0);
    p.pack(2.0);
  });
  EXPECT_EQ(error_of(bytes), "heartbeat.load: expected an array of 3 elements, got 2");
}

TEST(HostileDecode, UnknownFieldsAreIgnored) {
  auto frame = decode_frame(envelope_with(version_1, "tick", [](Packer& p) {
    p.pack_map(3);
    p.pack("future_field");
    p.pack_array(0);
    p.pack("epoch");
    p.pack(9);
    p.pack(17);  // a non-string key, also unknown
    p.pack("x");
  }));
  ASSERT_TRUE(frame.ok());
  auto tick = decode_body<Tick>(*frame);
  ASSERT_TRUE(tick.ok()) << tick.error().message;
  EXPECT_EQ(tick->epoch, 9u);
}

TEST(HostileDecode, UnknownEnumValueNamesTheChoices) {
  auto frame = decode_frame(envelope_with(version_1, "status_reply", [](Packer& p) {
    p.pack_map(3);
    p.pack("nodes");
    p.pack_array(1);
    p.pack_map(4);
    p.pack("name");
    p.pack("n1");
    p.pack("state");
    p.pack("sleepy");
    p.pack("since_ms");
    p.pack(0);
    p.pack("last_seen_ms");
    p.pack(0);
    p.pack("summary");
    p.pack_map(0);
    p.pack("epoch");
    p.pack(1);
  }));
  ASSERT_TRUE(frame.ok());
  auto reply = decode_body<StatusReply>(*frame);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().message, "status_reply.nodes[0].state: unknown value \"sleepy\" (expected \"up\" | \"down\")");
}

TEST(HostileDecode, UnknownMessageTypeIsRefusedByTheDispatcher) {
  struct Peer {};
  Dispatcher<Peer> d;
  d.on<Heartbeat>([](const Envelope&, const Heartbeat&, const Peer&) {});
  auto frame = decode_frame(envelope_with(version_1, "format_disk", [](Packer& p) { p.pack_map(0); }));
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(d.dispatch(*frame, Peer{}).error().message, "unknown message type \"format_disk\"");
}

TEST(HostileDecode, RandomMutationsNeverCrash) {
  // Byte flips, insertions and cuts of a valid frame; run under ASan and
  // UBSan in CI. Each must decode or fail cleanly.
  const std::string base = valid_heartbeat();
  std::mt19937 rng(12345);
  int failures = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string bytes = test::mutated(base, rng);
    if (error_of(bytes) != "ok") ++failures;
  }
  EXPECT_GT(failures, 10000);  // most mutations must be caught, and none crashed
}

}  // namespace
}  // namespace herd::protocol
