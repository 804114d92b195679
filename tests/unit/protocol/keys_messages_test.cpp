// The key enrolment messages: they round-trip, and every malformed body is
// an error naming the field, never a crash or a partial decision.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocol/envelope.hpp"
#include "protocol/messages.hpp"
#include "tests/unit/protocol/frame_fixtures.hpp"

using testing::HasSubstr;

namespace herd::protocol {
namespace {

using test::cli_envelope;

// A key_decision frame whose body is written by hand.
std::string decision_with(const std::function<void(Packer&)>& body) {
  msgpack::sbuffer buffer;
  Packer p(buffer);
  p.pack_map(6);
  p.pack("version");
  p.pack_array(2);
  p.pack(1);
  p.pack(0);
  p.pack("type");
  p.pack(std::string(KeyDecision::kName));
  p.pack("sender");
  p.pack("herd-cli");
  p.pack("seq");
  p.pack(1);
  p.pack("time_ms");
  p.pack(1);
  p.pack("body");
  body(p);
  return std::string(buffer.data(), buffer.size());
}

std::string decision_error(const std::string& bytes) {
  auto frame = decode_frame(bytes);
  if (!frame) return frame.error().message;
  auto d = decode_body<KeyDecision>(*frame);
  return d ? "ok" : d.error().message;
}

TEST(KeyMessages, DecisionRoundTrips) {
  KeyDecision d;
  d.action = KeyAction::revoke;
  d.node = "node07";
  d.key = "Xb7abc";
  auto frame = decode_frame(encode_frame(cli_envelope(), d));
  ASSERT_TRUE(frame.ok());
  auto back = decode_body<KeyDecision>(*frame);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->action, KeyAction::revoke);
  EXPECT_EQ(back->node, "node07");
  EXPECT_EQ(back->key, "Xb7abc");
}

TEST(KeyMessages, ListReplyRoundTrips) {
  KeysListReply r;
  r.enrolment = "pending";
  r.enrolled.push_back({"node01", "0123456789abcdef", std::string(40, 'A')});
  KeyEntry e;
  e.public_key = std::string(40, 'B');
  e.fingerprint = e.public_key.substr(0, 16);
  e.state = KeyState::revoked;
  e.node = "node02";
  e.attempts = 7;
  e.decided_ms = 5;
  e.decided_by = "uid 0 (root)";
  r.keys.push_back(e);
  auto frame = decode_frame(encode_frame(cli_envelope(), r));
  ASSERT_TRUE(frame.ok());
  auto back = decode_body<KeysListReply>(*frame);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->keys.size(), 1u);
  EXPECT_EQ(back->keys[0].state, KeyState::revoked);
  EXPECT_EQ(back->keys[0].decided_by, "uid 0 (root)");
  EXPECT_EQ(back->enrolled[0].node, "node01");
}

TEST(KeyMessages, UnknownActionIsRefused) {
  const std::string bytes = decision_with([](Packer& p) {
    p.pack_map(2);
    p.pack("action");
    p.pack("approve");
    p.pack("node");
    p.pack("node07");
  });
  EXPECT_THAT(decision_error(bytes), HasSubstr("action"));
  EXPECT_NE(decision_error(bytes), "ok");
}

TEST(KeyMessages, MissingNodeIsNamed) {
  const std::string bytes = decision_with([](Packer& p) {
    p.pack_map(1);
    p.pack("action");
    p.pack("accept");
  });
  EXPECT_THAT(decision_error(bytes), HasSubstr("node"));
}

TEST(KeyMessages, WrongTypesAreNamed) {
  const std::string bytes = decision_with([](Packer& p) {
    p.pack_map(2);
    p.pack("action");
    p.pack(1);
    p.pack("node");
    p.pack("node07");
  });
  EXPECT_THAT(decision_error(bytes), HasSubstr("action"));
  const std::string node_array = decision_with([](Packer& p) {
    p.pack_map(2);
    p.pack("action");
    p.pack("reject");
    p.pack("node");
    p.pack_array(0);
  });
  EXPECT_THAT(decision_error(node_array), HasSubstr("node"));
}

TEST(KeyMessages, OversizedFieldsAreRefused) {
  const std::string bytes = decision_with([](Packer& p) {
    p.pack_map(3);
    p.pack("action");
    p.pack("accept");
    p.pack("node");
    p.pack("node07");
    p.pack("key");
    p.pack(std::string(100'000, 'k'));
  });
  EXPECT_THAT(decision_error(bytes), HasSubstr("exceeds the limit of 64"));
}

TEST(KeyMessages, EveryTruncationIsAnError) {
  KeyDecision d;
  d.node = "node07";
  d.key = "abc";
  const std::string full = encode_frame(cli_envelope(), d);
  for (std::size_t n = 1; n < full.size(); ++n) EXPECT_NE(decision_error(full.substr(0, n)), "ok") << n;
  EXPECT_EQ(decision_error(full), "ok");
}

TEST(KeyMessages, UnknownFieldsAreIgnored) {
  const std::string bytes = decision_with([](Packer& p) {
    p.pack_map(3);
    p.pack("action");
    p.pack("reject");
    p.pack("node");
    p.pack("node07");
    p.pack("comment");
    p.pack("from a newer client");
  });
  EXPECT_EQ(decision_error(bytes), "ok");
}

}  // namespace
}  // namespace herd::protocol
