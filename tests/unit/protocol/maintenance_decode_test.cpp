// The maintenance messages on the wire: round trips, and every way a peer
// can get them wrong (missing fields, wrong types, oversize, truncation,
// random damage) must be an error naming the field, never a crash.

#include <functional>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocol/envelope.hpp"
#include "protocol/messages.hpp"
#include "tests/unit/protocol/frame_fixtures.hpp"

using testing::HasSubstr;

namespace herd::protocol {
namespace {

Envelope envelope() { return test::cli_envelope(); }

template <typename T>
std::string error_of(std::string_view bytes) {
  auto frame = decode_frame(bytes);
  if (!frame) return frame.error().message;
  auto body = decode_body<T>(*frame);
  return body ? std::string("ok") : body.error().message;
}

// A frame whose body is packed by hand, so any field can be wrong.
std::string frame_with_body(std::string_view type, const std::function<void(Packer&)>& body) {
  msgpack::sbuffer buffer;
  Packer p(buffer);
  p.pack_map(6);
  p.pack("version");
  p.pack_array(2);
  p.pack(1);
  p.pack(0);
  p.pack("type");
  p.pack(std::string(type));
  p.pack("sender");
  p.pack("herd-cli");
  p.pack("seq");
  p.pack(1);
  p.pack("time_ms");
  p.pack(1);
  p.pack("body");
  body(p);
  return {buffer.data(), buffer.size()};
}

MaintenanceSet sample_set() {
  MaintenanceSet m;
  m.on = true;
  m.nodes = {"node01", "node02"};
  m.reason = "kernel update";
  m.until_ms = 1'800'000'000'000;
  return m;
}

TEST(MaintenanceWire, SetAndReplyRoundTrip) {
  auto frame = decode_frame(encode_frame(envelope(), sample_set()));
  ASSERT_TRUE(frame.ok()) << frame.error().message;
  EXPECT_EQ(frame->envelope.type, "maintenance_set");
  auto set = decode_body<MaintenanceSet>(*frame);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_TRUE(set->on);
  EXPECT_EQ(set->nodes, sample_set().nodes);
  EXPECT_EQ(set->reason, "kernel update");
  EXPECT_EQ(set->until_ms, 1'800'000'000'000);

  MaintenanceReply reply;
  reply.nodes.push_back({"node01", MaintenanceChange::updated, Maintenance{"r", "uid 0 (root)", 5, 9}});
  reply.nodes.push_back({"node02", MaintenanceChange::ended, std::nullopt});
  auto rf = decode_frame(encode_frame(envelope(), reply));
  auto back = decode_body<MaintenanceReply>(*rf);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->nodes.size(), 2u);
  EXPECT_EQ(back->nodes[0].change, MaintenanceChange::updated);
  EXPECT_EQ(back->nodes[0].maintenance, (Maintenance{"r", "uid 0 (root)", 5, 9}));
  EXPECT_FALSE(back->nodes[1].maintenance.has_value());
}

TEST(MaintenanceWire, MissingRequiredFieldsAreNamed) {
  EXPECT_EQ(error_of<MaintenanceSet>(frame_with_body("maintenance_set", [](Packer& p) { p.pack_map(0); })),
            "maintenance_set.on: missing required field");
  EXPECT_EQ(error_of<MaintenanceSet>(frame_with_body("maintenance_set",
                                                     [](Packer& p) {
                                                       p.pack_map(2);
                                                       p.pack("on");
                                                       p.pack(true);
                                                       p.pack("all");
                                                       p.pack(true);
                                                     })),
            "maintenance_set.nodes: missing required field");
}

TEST(MaintenanceWire, WrongTypesAreNamedWithTheirPath) {
  const auto body = [](Packer& p) {
    p.pack_map(3);
    p.pack("on");
    p.pack("yes");
    p.pack("nodes");
    p.pack_array(0);
    p.pack("all");
    p.pack(false);
  };
  EXPECT_EQ(error_of<MaintenanceSet>(frame_with_body("maintenance_set", body)),
            "maintenance_set.on: expected bool, got str");
  EXPECT_EQ(error_of<MaintenanceSet>(frame_with_body("maintenance_set",
                                                     [](Packer& p) {
                                                       p.pack_map(3);
                                                       p.pack("on");
                                                       p.pack(true);
                                                       p.pack("nodes");
                                                       p.pack_array(1);
                                                       p.pack(7);
                                                       p.pack("all");
                                                       p.pack(false);
                                                     })),
            "maintenance_set.nodes[0]: expected str, got uint");
  EXPECT_EQ(error_of<MaintenanceSet>(frame_with_body("maintenance_set",
                                                     [](Packer& p) {
                                                       p.pack_map(4);
                                                       p.pack("on");
                                                       p.pack(true);
                                                       p.pack("nodes");
                                                       p.pack_array(0);
                                                       p.pack("all");
                                                       p.pack(true);
                                                       p.pack("until_ms");
                                                       p.pack(1.5);
                                                     })),
            "maintenance_set.until_ms: expected int, got float");
}

TEST(MaintenanceWire, AnUnknownChangeNamesTheChoices) {
  const auto body = [](Packer& p) {
    p.pack_map(1);
    p.pack("nodes");
    p.pack_array(1);
    p.pack_map(2);
    p.pack("node");
    p.pack("n1");
    p.pack("change");
    p.pack("exploded");
  };
  EXPECT_EQ(error_of<MaintenanceReply>(frame_with_body("maintenance_reply", body)),
            "maintenance_reply.nodes[0].change: unknown value \"exploded\" (expected \"started\" | \"updated\" | "
            "\"ended\" | \"unchanged\")");
}

TEST(MaintenanceWire, OversizedReasonAndNodeListAreRefused) {
  auto long_reason = sample_set();
  long_reason.reason = std::string(kMaxMaintenanceReason + 1, 'r');
  EXPECT_THAT(error_of<MaintenanceSet>(encode_frame(envelope(), long_reason)),
              HasSubstr("maintenance_set.reason: string of 1025 bytes exceeds the limit of 1024"));
  const auto many_nodes = [](Packer& p) {
    p.pack_map(3);
    p.pack("on");
    p.pack(false);
    p.pack("all");
    p.pack(false);
    p.pack("nodes");
    p.pack_array(100'001);
    for (int i = 0; i < 100'001; ++i) p.pack("n");
  };
  EXPECT_THAT(error_of<MaintenanceSet>(frame_with_body("maintenance_set", many_nodes)),
              HasSubstr("maintenance_set.nodes: array of 100001 elements exceeds the limit of 100000"));
  MaintenanceReply reply;
  reply.nodes.push_back({"n1", MaintenanceChange::started, Maintenance{"r", std::string(300, 'b'), 1, {}}});
  EXPECT_THAT(error_of<MaintenanceReply>(encode_frame(envelope(), reply)),
              HasSubstr("maintenance_reply.nodes[0].maintenance.by: string of 300 bytes exceeds the limit of 255"));
}

TEST(MaintenanceWire, EveryTruncationIsAnError) {
  const std::string full = encode_frame(envelope(), sample_set());
  for (std::size_t n = 1; n < full.size(); ++n) {
    EXPECT_NE(error_of<MaintenanceSet>(full.substr(0, n)), "ok") << "truncated to " << n;
  }
  EXPECT_EQ(error_of<MaintenanceSet>(full), "ok");
}

TEST(MaintenanceWire, RandomMutationsNeverCrash) {
  const std::string base = encode_frame(envelope(), sample_set());
  std::mt19937 rng(4242);
  for (int i = 0; i < 20000; ++i) {
    const std::string bytes = test::mutated(base, rng);
    (void)error_of<MaintenanceSet>(bytes);  // decodes or fails cleanly; ASan/UBSan watch the rest
  }
}

TEST(MaintenanceWire, NewFieldsOfStatusAndEventsAreOptional) {
  // An older peer that sends neither `maintenance` nor `by`/`reason` is still understood.
  StatusReply status;
  status.nodes.push_back({});
  auto s = decode_body<StatusReply>(*decode_frame(encode_frame(envelope(), status)));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(s->nodes[0].maintenance.has_value());
  EXPECT_FALSE(s->summary.maintenance.has_value());
  EventsReply events;
  events.events.push_back({1, 2, "n1", "node_up", "first contact", {}, {}});
  auto e = decode_body<EventsReply>(*decode_frame(encode_frame(envelope(), events)));
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_FALSE(e->events[0].by.has_value());
}

}  // namespace
}  // namespace herd::protocol
