#include "agent/session.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace herd::agent {
namespace {

std::string from_controller(const auto& body) {
  protocol::Envelope e;
  e.sender = "controller";
  e.seq = 1;
  return protocol::encode_frame(e, body);
}

std::string welcome(uint64_t epoch) {
  protocol::Welcome w;
  w.epoch = epoch;
  return from_controller(w);
}

std::string tick(uint64_t epoch) {
  protocol::Tick t;
  t.epoch = epoch;
  return from_controller(t);
}

class SessionTest : public testing::Test {
 protected:
  SessionTest() : session(Identity{"node01", {}}, clock) {}
  ManualClock clock;
  Session session;
};

TEST_F(SessionTest, SaysHelloFirstAndRetriesUntilWelcomed) {
  auto hello = session.due_hello();
  ASSERT_TRUE(hello.has_value());
  auto frame = protocol::decode_frame(*hello);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->envelope.type, "hello");
  EXPECT_EQ(frame->envelope.sender, "node01");
  session.hello_sent();
  EXPECT_FALSE(session.due_hello().has_value());
  clock.advance(kHelloRetry);
  EXPECT_TRUE(session.due_hello().has_value());
  session.hello_sent();
  ASSERT_TRUE(session.on_control_frame(welcome(7)).ok());
  EXPECT_TRUE(session.welcomed());
  clock.advance(1h);
  EXPECT_FALSE(session.due_hello().has_value());
}

TEST_F(SessionTest, HelloIsNotMarkedSentUntilItWas) {
  ASSERT_TRUE(session.due_hello().has_value());
  // The send failed (not connected): the next attempt must not wait.
  EXPECT_TRUE(session.due_hello().has_value());
}

TEST_F(SessionTest, TickOfANewEpochMeansHelloAgainAtOnce) {
  session.hello_sent();
  ASSERT_TRUE(session.on_control_frame(welcome(7)).ok());
  ASSERT_TRUE(session.on_publish_frame("all/", tick(7)).ok());
  EXPECT_FALSE(session.due_hello().has_value());
  ASSERT_TRUE(session.on_publish_frame("all/", tick(8)).ok());  // controller restarted
  EXPECT_FALSE(session.welcomed());
  EXPECT_TRUE(session.due_hello().has_value());
}

TEST_F(SessionTest, ControllerCountsAsSilentWithoutTicks) {
  EXPECT_TRUE(session.controller_silent());
  ASSERT_TRUE(session.on_publish_frame("all/", tick(1)).ok());
  EXPECT_FALSE(session.controller_silent());
  clock.advance(kControllerSilence - 1ms);
  EXPECT_FALSE(session.controller_silent());
  clock.advance(1ms);
  EXPECT_TRUE(session.controller_silent());
}

TEST_F(SessionTest, HeartbeatsCarryIncreasingSequenceNumbers) {
  protocol::Heartbeat hb;
  hb.uptime_ms = 5;
  auto first = protocol::decode_frame(session.heartbeat(hb));
  auto second = protocol::decode_frame(session.heartbeat(hb));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_LT(first->envelope.seq, second->envelope.seq);
  EXPECT_EQ(protocol::decode_body<protocol::Heartbeat>(*second)->uptime_ms, 5u);
}

TEST_F(SessionTest, RefusesControlMessagesNotFromTheController) {
  protocol::Envelope e;
  e.sender = "node02";
  protocol::Welcome w;
  auto status = session.on_control_frame(protocol::encode_frame(e, w));
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(session.welcomed());
}

TEST_F(SessionTest, BadFramesAreErrorsNotCrashes) {
  EXPECT_FALSE(session.on_control_frame("").ok());
  EXPECT_FALSE(session.on_control_frame("\xc1").ok());
  EXPECT_FALSE(session.on_publish_frame("all/", "garbage").ok());
  EXPECT_FALSE(session.on_control_frame(tick(1)).ok());  // a tick is not a control message
}

}  // namespace
}  // namespace herd::agent
