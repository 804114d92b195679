// CURVE and ZAP over real TCP on loopback: an enrolled key gets through
// under its node name; an unknown key gets nothing.

#include "bus/zap.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "bus/event_loop.hpp"
#include "bus/peer_credentials.hpp"
#include "bus/roles.hpp"
#include "bus/tcp_connection.hpp"
#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;

namespace herd::bus {
namespace {

struct CurveFixture : testing::Test {
  Context server_context;
  Context client_context;
  CurveKeyPair server = *generate_keypair("controller");
  CurveKeyPair enrolled = *generate_keypair("node01");
  CurveKeyPair stranger = *generate_keypair("node02");
  std::vector<ZapRequest> requests;
  ZapHandler zap{server_context, [this](const ZapRequest& r) {
                   requests.push_back(r);
                   if ((r.domain == kAgentDomain || r.domain == kPublishDomain) && r.client_key == enrolled.public_key) {
                     return ZapVerdict{true, "node01", ""};
                   }
                   return ZapVerdict{false, "", "unknown key"};
                 }};
};

TEST_F(CurveFixture, EnrolledKeyIsAdmittedUnderItsNodeName) {
  auto router = bind_agent_router(server_context, "tcp://127.0.0.1:*", server);
  ASSERT_TRUE(router.ok()) << router.error().message;
  const std::string endpoint = router->raw().get(zmq::sockopt::last_endpoint);

  auto good = connect_agent_dealer(client_context, endpoint, enrolled, server.public_key, 100ms, 1s);
  auto bad = connect_agent_dealer(client_context, endpoint, stranger, server.public_key, 100ms, 1s);
  ASSERT_TRUE(good.ok());
  ASSERT_TRUE(bad.ok());

  EventLoop loop;
  loop.watch(zap.socket(), [&] { zap.handle_pending(); });
  std::vector<Message> received;
  loop.watch(*router, [&] {
    while (auto m = router->receive()) received.push_back(std::move(*m));
  });
  // ZMQ_IMMEDIATE: a send only succeeds once the handshake completed.
  loop.every(10ms, [&] {
    good->send({"from-node01"});
    bad->send({"from-stranger"});
  });
  ASSERT_TRUE(loop.run_until([&] { return received.size() >= 3; }, 5s));
  for (const Message& m : received) {
    ASSERT_EQ(m.frames.size(), 2u);  // routing id + payload
    EXPECT_EQ(m.frame(1), "from-node01");
    EXPECT_EQ(m.user_id, "node01");
  }
  bool stranger_asked = false;
  for (const auto& r : requests) {
    EXPECT_EQ(r.mechanism, "CURVE");
    if (r.client_key == stranger.public_key) stranger_asked = true;
  }
  EXPECT_TRUE(stranger_asked);
}

TEST_F(CurveFixture, SubscriberWithUnknownKeyReceivesNothing) {
  auto pub = bind_publisher(server_context, "tcp://127.0.0.1:*", server);
  ASSERT_TRUE(pub.ok()) << pub.error().message;
  const std::string endpoint = pub->raw().get(zmq::sockopt::last_endpoint);
  auto good = connect_subscriber(client_context, endpoint, enrolled, server.public_key, 100ms, 1s, {"all/"});
  auto bad = connect_subscriber(client_context, endpoint, stranger, server.public_key, 100ms, 1s, {"all/"});
  ASSERT_TRUE(good.ok());
  ASSERT_TRUE(bad.ok());
  EventLoop loop;
  loop.watch(zap.socket(), [&] { zap.handle_pending(); });
  int good_got = 0, bad_got = 0;
  loop.watch(*good, [&] {
    while (good->receive()) ++good_got;
  });
  loop.watch(*bad, [&] {
    while (bad->receive()) ++bad_got;
  });
  loop.every(10ms, [&] { pub->send({"all/", "tick"}); });
  ASSERT_TRUE(loop.run_until([&] { return good_got >= 20; }, 5s));
  EXPECT_EQ(bad_got, 0);
}

// Revoking a node must really close its connections on both channels: the
// source fd of its messages (ROUTER) and of its subscriptions (XPUB) is shut
// down, libzmq drops the peer, and its reconnect goes through ZAP again.
TEST_F(CurveFixture, ClosingTheSourceConnectionDropsThePeerOnRouterAndXpub) {
  auto router = bind_agent_router(server_context, "tcp://127.0.0.1:*", server);
  auto pub = bind_publisher(server_context, "tcp://127.0.0.1:*", server);
  ASSERT_TRUE(router.ok() && pub.ok());
  auto dealer = connect_agent_dealer(client_context, router->raw().get(zmq::sockopt::last_endpoint), enrolled,
                                     server.public_key, 100ms, 1s);
  auto sub = connect_subscriber(client_context, pub->raw().get(zmq::sockopt::last_endpoint), enrolled,
                                server.public_key, 100ms, 1s, {"all/"});
  ASSERT_TRUE(dealer.ok() && sub.ok());
  EventLoop loop;
  loop.watch(zap.socket(), [&] { zap.handle_pending(); });
  std::optional<Message> from_dealer, subscription;
  loop.watch(*router, [&] {
    while (auto m = router->receive()) from_dealer = std::move(m);
  });
  loop.watch(*pub, [&] {
    while (auto m = pub->receive()) subscription = std::move(m);
  });
  loop.every(10ms, [&] { dealer->send({"hello"}); });
  ASSERT_TRUE(loop.run_until([&] { return from_dealer && subscription; }, 5s));
  EXPECT_EQ(subscription->user_id, "node01");
  EXPECT_EQ(subscription->frame(0), std::string_view("\x01" "all/", 5));  // subscribe "all/"
  const auto router_peer = tcp_peer_of(from_dealer->source_fd);
  const auto pub_peer = tcp_peer_of(subscription->source_fd);
  ASSERT_TRUE(router_peer && pub_peer);
  EXPECT_FALSE(close_tcp_connection(from_dealer->source_fd, "127.0.0.1:1")) << "another peer: left alone";

  const std::size_t asked_before = requests.size();
  EXPECT_TRUE(close_tcp_connection(from_dealer->source_fd, *router_peer));
  EXPECT_TRUE(close_tcp_connection(subscription->source_fd, *pub_peer));
  // Both clients reconnect, so ZAP is asked for each again, on new connections.
  from_dealer.reset();
  subscription.reset();
  ASSERT_TRUE(loop.run_until([&] { return requests.size() >= asked_before + 2 && from_dealer && subscription; }, 5s));
  EXPECT_NE(tcp_peer_of(from_dealer->source_fd), router_peer);
  EXPECT_NE(tcp_peer_of(subscription->source_fd), pub_peer);
}

TEST_F(CurveFixture, WrongServerKeyNeverConnects) {
  auto router = bind_agent_router(server_context, "tcp://127.0.0.1:*", server);
  ASSERT_TRUE(router.ok());
  const std::string endpoint = router->raw().get(zmq::sockopt::last_endpoint);
  const CurveKeyPair impostor = *generate_keypair("controller");
  auto client = connect_agent_dealer(client_context, endpoint, enrolled, impostor.public_key, 100ms, 1s);
  ASSERT_TRUE(client.ok());
  EventLoop loop;
  loop.watch(zap.socket(), [&] { zap.handle_pending(); });
  int received = 0;
  loop.watch(*router, [&] {
    while (router->receive()) ++received;
  });
  int sent = 0;
  loop.every(10ms, [&] {
    if (client->send({"x"}) == SendResult::sent) ++sent;
  });
  bool done = false;
  loop.after(500ms, [&] { done = true; });
  loop.run_until([&] { return done; }, 2s);
  EXPECT_EQ(received, 0);
  EXPECT_EQ(sent, 0);
}

TEST_F(CurveFixture, LocalQuerySocketIdentifiesTheCallerByUid) {
  test::TempDir dir;
  const std::string endpoint = "ipc://" + dir.path() + "/q.sock";
  auto router = bind_query_router(server_context, endpoint);
  ASSERT_TRUE(router.ok()) << router.error().message;
  auto client = connect_query_dealer(client_context, endpoint);
  ASSERT_TRUE(client.ok());
  ASSERT_EQ(client->send({"hello"}), SendResult::sent);
  EventLoop loop;
  loop.watch(zap.socket(), [&] { zap.handle_pending(); });
  std::optional<Message> got;
  loop.watch(*router, [&] { got = router->receive(); });
  // The fixture's policy refuses this domain; accept local callers here.
  requests.clear();
  ASSERT_FALSE(got.has_value());
  loop.run_until([&] { return !requests.empty(); }, 2s);
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests[0].domain, kLocalDomain);
  EXPECT_EQ(requests[0].mechanism, "NULL");
  auto creds = parse_ipc_peer_address(requests[0].address);
  ASSERT_TRUE(creds.has_value()) << requests[0].address;
  EXPECT_EQ(creds->uid, ::getuid());
  EXPECT_EQ(creds->pid, ::getpid());
}

TEST(PeerCredentials, ParsesTheTrailingTriple) {
  auto c = parse_ipc_peer_address("localhost:1000:100:4242");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->uid, 1000u);
  EXPECT_EQ(c->gid, 100u);
  EXPECT_EQ(c->pid, 4242);
  EXPECT_FALSE(parse_ipc_peer_address("").has_value());
  EXPECT_FALSE(parse_ipc_peer_address("localhost").has_value());
  EXPECT_FALSE(parse_ipc_peer_address("1:2").has_value());
  EXPECT_FALSE(parse_ipc_peer_address("x:a:2:3").has_value());
}

}  // namespace
}  // namespace herd::bus
