// An enrolled peer that sends garbage must not hurt anyone else: every bad
// frame is dropped, counted and logged with the peer, and the controller
// keeps serving the other nodes and queries.

#include <gtest/gtest.h>

#include "bus/event_loop.hpp"
#include "bus/roles.hpp"
#include "protocol/envelope.hpp"
#include "protocol/messages.hpp"
#include "tests/support/cluster.hpp"

using namespace std::chrono_literals;

namespace herd::test {
namespace {

std::string frame_from(const std::string& sender, const protocol::Heartbeat& hb, uint32_t major = 1) {
  protocol::Envelope e;
  e.major = major;
  e.sender = sender;
  e.seq = 1;
  e.time_ms = 1;
  return protocol::encode_frame(e, hb);
}

TEST(HostilePeer, BadFramesAreDroppedAndEveryoneElseIsServed) {
  Cluster cluster;
  cluster.add_node("good");
  cluster.add_node("evil");
  cluster.start_controller();
  cluster.start_agent("good");
  ASSERT_TRUE(Cluster::eventually([&] { return cluster.node_state("good") == "up"; }, 10s));

  bus::Context context;
  const auto keys = *bus::read_secret_key_file(cluster.key_path("evil"));
  const auto server = *bus::read_public_key_file(cluster.controller_public_key());
  auto socket = bus::connect_agent_dealer(context, "tcp://127.0.0.1:" + std::to_string(cluster.agent_port()), keys,
                                          server.public_key, 100ms, 1s);
  ASSERT_TRUE(socket.ok());
  // Wait for the handshake (ZMQ_IMMEDIATE refuses sends until then).
  protocol::Heartbeat hb;
  ASSERT_TRUE(Cluster::eventually([&] { return socket->send({frame_from("evil", hb)}) == bus::SendResult::sent; }, 5s));
  ASSERT_TRUE(Cluster::eventually([&] { return cluster.node_state("evil") == "up"; }, 5s));

  const std::string valid = frame_from("evil", hb);
  std::string unknown_type = valid;
  unknown_type.replace(unknown_type.find("heartbeat"), 9, "heartbeaX");
  const std::vector<std::pair<std::string, std::string>> attacks = {
      {"\xc1\xc1 garbage", "malformed MessagePack"},
      {valid.substr(0, valid.size() / 2), "truncated MessagePack"},
      {unknown_type, "unknown message type \"heartbeaX\""},
      {frame_from("evil", hb, 2), "protocol version 2 is not supported"},
      {frame_from("good", hb), "sender \"good\" is not the connection's node"},
  };
  for (const auto& [bytes, expected] : attacks) ASSERT_EQ(socket->send({bytes}), bus::SendResult::sent);
  ASSERT_EQ(socket->send({"one", "two", "three"}), bus::SendResult::sent);

  for (const auto& [bytes, expected] : attacks) {
    EXPECT_TRUE(Cluster::eventually([&] { return cluster.controller_log().find(expected) != std::string::npos; }, 5s))
        << "not logged: " << expected;
  }
  EXPECT_NE(cluster.controller_log().find("expected 2 frames, got 4"), std::string::npos);
  EXPECT_NE(cluster.controller_log().find("dropped bad message on the agent channel from evil"), std::string::npos);

  // A 100 MB frame: libzmq closes the connection (ZMQ_MAXMSGSIZE) before
  // herd reads it; the controller carries on.
  const std::string huge(100u << 20, 'x');
  socket->send({huge});
  std::this_thread::sleep_for(500ms);

  // The impersonation did not touch "good", and everyone is still served.
  const auto s = cluster.status();
  EXPECT_EQ(cluster.node_state("good"), "up");
  EXPECT_EQ(s["summary"]["total"], 2);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(cluster.node_state("good"), "up");
}

TEST(HostilePeer, GarbageOnTheQuerySocketGetsAnErrorReply) {
  Cluster cluster;
  cluster.start_controller();
  bus::Context context;
  auto socket = bus::connect_query_dealer(context, "ipc://" + cluster.dir().path() + "/controller.sock");
  ASSERT_TRUE(socket.ok());
  ASSERT_EQ(socket->send({"\xc1 not msgpack at all"}), bus::SendResult::sent);
  bus::EventLoop loop;
  std::optional<bus::Message> reply;
  loop.watch(*socket, [&] { reply = socket->receive(); });
  ASSERT_TRUE(loop.run_until([&] { return reply.has_value(); }, 5s));
  auto frame = protocol::decode_frame(reply->frame(0));
  ASSERT_TRUE(frame.ok());
  ASSERT_EQ(frame->envelope.type, "error");
  auto error = protocol::decode_body<protocol::ErrorReply>(*frame);
  ASSERT_TRUE(error.ok());
  EXPECT_EQ(error->code, "bad_request");
  EXPECT_NE(error->message.find("malformed MessagePack"), std::string::npos) << error->message;
  // And it still answers the next, proper query.
  EXPECT_EQ(cluster.herd({"status"}).exit_code, 0);
}

}  // namespace
}  // namespace herd::test
