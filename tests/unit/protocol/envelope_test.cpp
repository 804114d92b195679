#include "protocol/envelope.hpp"

#include <gtest/gtest.h>

#include "protocol/dispatcher.hpp"
#include "protocol/messages.hpp"

namespace herd::protocol {
namespace {

// Gives every field of a record a distinct non-default value, so a round trip
// that dropped or swapped a field would show.
struct SampleFiller {
  int counter = 1;
  template <typename T>
  void operator()(std::string_view, T& value, std::string_view, Bounds = {}) { fill(value); }

  void fill(bool& v) { v = (counter++ % 2) == 1; }
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  void fill(T& v) { v = static_cast<T>(counter++ * 7); }
  void fill(double& v) { v = counter++ * 0.25; }
  void fill(std::string& v) { v = fmt::format("s{}", counter++); }
  void fill(Bytes& v) { v.data = fmt::format("b\x01\xff{}", counter++); }
  template <Enum E>
  void fill(E& v) { v = static_cast<E>(static_cast<std::size_t>(counter++) % EnumNames<E>::names.size()); }
  template <typename T>
  void fill(std::optional<T>& v) { fill(v.emplace()); }
  template <typename T>
  void fill(std::vector<T>& v) {
    v.resize(2);
    for (auto& e : v) fill(e);
  }
  template <typename T, std::size_t N>
  void fill(std::array<T, N>& v) {
    for (auto& e : v) fill(e);
  }
  template <Record R>
  void fill(R& r) { R::fields(r, *this); }
};

Envelope sample_envelope() {
  Envelope e;
  e.sender = "node01";
  e.seq = 42;
  e.time_ms = 1'763'923'445'123;
  return e;
}

template <typename M>
void expect_round_trip() {
  M original{};
  SampleFiller{}.fill(original);
  const std::string bytes = encode_frame(sample_envelope(), original);
  auto frame = decode_frame(bytes);
  ASSERT_TRUE(frame.ok()) << M::kName << ": " << frame.error().message;
  EXPECT_EQ(frame->envelope.type, M::kName);
  EXPECT_EQ(frame->envelope.sender, "node01");
  EXPECT_EQ(frame->envelope.seq, 42u);
  EXPECT_EQ(frame->envelope.time_ms, 1'763'923'445'123);
  EXPECT_EQ(frame->envelope.major, kProtocolMajor);
  auto decoded = decode_body<M>(*frame);
  ASSERT_TRUE(decoded.ok()) << M::kName << ": " << decoded.error().message;
  // Re-encoding gives the same bytes only if every field survived.
  EXPECT_EQ(encode_frame(sample_envelope(), *decoded), bytes) << M::kName;
}

template <typename... M>
void expect_all_round_trip(TypeList<M...>) {
  (expect_round_trip<M>(), ...);
}

TEST(Envelope, EveryMessageTypeRoundTrips) { expect_all_round_trip(AllMessages{}); }

TEST(Envelope, HeartbeatValuesSurviveExactly) {
  Heartbeat hb;
  hb.uptime_ms = 123456789;
  hb.load = {0.5, 1.25, 2.0};
  hb.mem_total_bytes = 64ull << 30;
  hb.mem_available_bytes = 12345;
  auto frame = decode_frame(encode_frame(sample_envelope(), hb));
  ASSERT_TRUE(frame.ok());
  auto back = decode_body<Heartbeat>(*frame);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->uptime_ms, 123456789u);
  EXPECT_EQ(back->load[1], 1.25);
  EXPECT_EQ(back->mem_total_bytes, 64ull << 30);
  EXPECT_EQ(back->mem_available_bytes, 12345u);
}

TEST(Envelope, AbsentOptionalFieldsStayAbsent) {
  NodeStatus n;
  n.name = "n1";
  StatusReply reply;
  reply.nodes.push_back(n);
  auto frame = decode_frame(encode_frame(sample_envelope(), reply));
  ASSERT_TRUE(frame.ok());
  auto back = decode_body<StatusReply>(*frame);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->nodes.size(), 1u);
  EXPECT_FALSE(back->nodes[0].load.has_value());
  EXPECT_FALSE(back->nodes[0].hostname.has_value());
}

struct TestPeer {
  std::string name;
};

TEST(Dispatcher, CallsTheHandlerOfTheMessageType) {
  Dispatcher<TestPeer> d;
  int heartbeats = 0;
  d.on<Heartbeat>([&](const Envelope& e, const Heartbeat& hb, const TestPeer& peer) {
    EXPECT_EQ(e.sender, "node01");
    EXPECT_EQ(hb.uptime_ms, 5u);
    EXPECT_EQ(peer.name, "p");
    ++heartbeats;
  });
  Heartbeat hb;
  hb.uptime_ms = 5;
  auto frame = decode_frame(encode_frame(sample_envelope(), hb));
  ASSERT_TRUE(frame.ok());
  ASSERT_TRUE(d.dispatch(*frame, TestPeer{"p"}).ok());
  EXPECT_EQ(heartbeats, 1);
}

TEST(Dispatcher, RefusesKnownTypesNotRegisteredOnThisChannel) {
  Dispatcher<TestPeer> d;
  d.on<Heartbeat>([](const Envelope&, const Heartbeat&, const TestPeer&) {});
  auto frame = decode_frame(encode_frame(sample_envelope(), StatusQuery{}));
  ASSERT_TRUE(frame.ok());
  auto status = d.dispatch(*frame, TestPeer{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "message type \"status_query\" is not accepted on this channel");
}

TEST(Dispatcher, DoesNotCallTheHandlerWhenTheBodyIsInvalid) {
  Dispatcher<TestPeer> d;
  bool called = false;
  d.on<Heartbeat>([&](const Envelope&, const Heartbeat&, const TestPeer&) { called = true; });
  // A "heartbeat" whose body is a hello: required heartbeat fields are missing.
  Envelope e = sample_envelope();
  std::string bytes = encode_frame(e, Hello{});
  auto frame = decode_frame(bytes);
  ASSERT_TRUE(frame.ok());
  frame->envelope.type = "heartbeat";
  auto status = d.dispatch(*frame, TestPeer{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "heartbeat.uptime_ms: missing required field");
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace herd::protocol
