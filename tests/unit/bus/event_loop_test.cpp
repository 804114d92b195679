#include "bus/event_loop.hpp"

#include <csignal>
#include <unistd.h>

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace herd::bus {
namespace {

TEST(EventLoop, RunsOneShotAndPeriodicTimersInOrder) {
  EventLoop loop;
  std::vector<std::string> fired;
  loop.after(30ms, [&] { fired.push_back("once"); });
  int ticks = 0;
  loop.every(10ms, [&] { ++ticks; });
  ASSERT_TRUE(loop.run_until([&] { return !fired.empty(); }, 2s));
  EXPECT_GE(ticks, 2);  // 10 ms ticks came before the 30 ms one-shot
  EXPECT_EQ(fired, std::vector<std::string>{"once"});
}

TEST(EventLoop, CancelledTimerNeverFires) {
  EventLoop loop;
  bool fired = false;
  const TimerId id = loop.after(10ms, [&] { fired = true; });
  loop.cancel(id);
  bool later = false;
  loop.after(50ms, [&] { later = true; });
  ASSERT_TRUE(loop.run_until([&] { return later; }, 2s));
  EXPECT_FALSE(fired);
}

TEST(EventLoop, DeliversEveryMessageOfASocket) {
  Context context;
  Socket server(context, zmq::socket_type::pull, "pull");
  Socket client(context, zmq::socket_type::push, "push");
  ASSERT_TRUE(server.bind("inproc://loop-test").ok());
  ASSERT_TRUE(client.connect("inproc://loop-test").ok());
  EventLoop loop;
  int received = 0;
  // A handler that takes at most 3 messages per call: the loop must come back.
  loop.watch(server, [&] {
    for (int i = 0; i < 3; ++i) {
      if (!server.receive()) return;
      ++received;
    }
  });
  for (int i = 0; i < 100; ++i) ASSERT_EQ(client.send({"x"}), SendResult::sent);
  ASSERT_TRUE(loop.run_until([&] { return received == 100; }, 2s)) << received;
}

TEST(EventLoop, SeesRepliesThatArriveWhileTheSocketSends) {
  // The edge-trigger trap: a reply arrives, then we send on the same socket
  // before the loop looks; the send consumes ZMQ_FD's signal. The loop must
  // still deliver the reply.
  Context context;
  Socket a(context, zmq::socket_type::dealer, "a");
  Socket b(context, zmq::socket_type::dealer, "b");
  ASSERT_TRUE(a.bind("inproc://edge").ok());
  ASSERT_TRUE(b.connect("inproc://edge").ok());
  EventLoop loop;
  int got = 0;
  loop.watch(b, [&] {
    while (b.receive()) ++got;
  });
  int echoed = 0;
  loop.watch(a, [&] {
    while (auto m = a.receive()) {
      ++echoed;
      a.send({"pong"});
    }
  });
  loop.every(1ms, [&] {
    if (echoed < 50) b.send({"ping"});
  });
  ASSERT_TRUE(loop.run_until([&] { return got >= 50; }, 3s)) << got;
}

TEST(EventLoop, UnwatchInsideTheHandlerIsSafe) {
  Context context;
  Socket server(context, zmq::socket_type::pull, "pull");
  Socket client(context, zmq::socket_type::push, "push");
  ASSERT_TRUE(server.bind("inproc://unwatch").ok());
  ASSERT_TRUE(client.connect("inproc://unwatch").ok());
  EventLoop loop;
  int calls = 0;
  loop.watch(server, [&] {
    ++calls;
    loop.unwatch(server);
  });
  client.send({"1"});
  client.send({"2"});
  bool done = false;
  loop.after(100ms, [&] { done = true; });
  ASSERT_TRUE(loop.run_until([&] { return done; }, 2s));
  EXPECT_EQ(calls, 1);
}

TEST(EventLoop, DeliversSignalsThroughTheLoop) {
  EventLoop loop;
  int got = 0;
  ASSERT_TRUE(loop.watch_signals({SIGUSR1}, [&](int s) { got = s; }).ok());
  ::kill(::getpid(), SIGUSR1);
  ASSERT_TRUE(loop.run_until([&] { return got != 0; }, 2s));
  EXPECT_EQ(got, SIGUSR1);
}

}  // namespace
}  // namespace herd::bus
