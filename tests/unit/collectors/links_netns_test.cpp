// The links collector against the real kernel: a veth pair created in a
// network namespace of the test's own (per thread), never the host's links.
// Needs root (CAP_NET_ADMIN); skips with the reason otherwise.

#include <net/if.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <sched.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "collectors/links.hpp"
#include "root_helpers.hpp"

using namespace std::chrono_literals;

namespace herd::collectors {
namespace {

// libnl calls the test makes to set the scene (the collector only reads).
class Netlink {
 public:
  Netlink() : socket_(nl_socket_alloc(), &nl_socket_free) { nl_connect(socket_.get(), NETLINK_ROUTE); }

  int add_veth(const char* name, const char* peer_name) {
    // The veth and its peer hold each other; rtnl_link_veth_release frees the pair.
    std::unique_ptr<rtnl_link, void (*)(rtnl_link*)> link(rtnl_link_veth_alloc(), &rtnl_link_veth_release);
    rtnl_link_set_name(link.get(), name);
    rtnl_link* peer = rtnl_link_veth_get_peer(link.get());  // a new reference
    rtnl_link_set_name(peer, peer_name);
    rtnl_link_put(peer);
    return rtnl_link_add(socket_.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL);
  }
  int set_up(const char* name, bool up) {
    rtnl_link* current = nullptr;
    if (int rc = rtnl_link_get_kernel(socket_.get(), 0, name, &current); rc < 0) return rc;
    std::unique_ptr<rtnl_link, void (*)(rtnl_link*)> change(rtnl_link_alloc(), &rtnl_link_put);
    if (up) rtnl_link_set_flags(change.get(), IFF_UP);
    else rtnl_link_unset_flags(change.get(), IFF_UP);
    const int rc = rtnl_link_change(socket_.get(), current, change.get(), 0);
    rtnl_link_put(current);
    return rc;
  }
  int add_address(const char* name, const char* cidr) {
    std::unique_ptr<rtnl_addr, void (*)(rtnl_addr*)> addr(rtnl_addr_alloc(), &rtnl_addr_put);
    nl_addr* local = nullptr;
    if (int rc = nl_addr_parse(cidr, AF_INET, &local); rc < 0) return rc;
    rtnl_addr_set_ifindex(addr.get(), static_cast<int>(::if_nametoindex(name)));
    rtnl_addr_set_local(addr.get(), local);
    nl_addr_put(local);
    return rtnl_addr_add(socket_.get(), addr.get(), 0);
  }

 private:
  std::unique_ptr<nl_sock, void (*)(nl_sock*)> socket_;
};

const protocol::Link* find(const protocol::NodeReport& r, const std::string& name) {
  for (const auto& l : r.health.links) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

// Collects until `done` holds (the kernel updates operstate asynchronously, within about a second).
protocol::NodeReport collect_until(const std::function<bool(const protocol::NodeReport&)>& done) {
  LinksCollector collector;
  protocol::NodeReport report;
  for (int i = 0; i < 50; ++i) {
    report = {};
    collector.collect(report);
    if (done(report)) break;
    std::this_thread::sleep_for(100ms);
  }
  return report;
}

// Runs `body` on a thread that has moved into a fresh network namespace.
void in_new_netns(const std::function<void()>& body) {
  std::string skip;
  std::thread thread([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      skip = std::string("unshare(CLONE_NEWNET) failed: ") + std::strerror(errno);
      return;
    }
    body();
  });
  thread.join();
  if (!skip.empty()) GTEST_SKIP() << skip;
}

TEST(LinksInNetns, SeesVethLinksComeUpAndGoDown) {
  if (auto why = test::missing_root()) GTEST_SKIP() << *why;
  in_new_netns([] {
    Netlink nl;
    ASSERT_EQ(nl.add_veth("herd0", "herd1"), 0) << "veth support needed (CONFIG_VETH)";
    ASSERT_EQ(nl.add_address("herd0", "10.77.0.1/24"), 0);

    auto report = collect_until([](const auto& r) { return find(r, "herd0") != nullptr; });
    EXPECT_TRUE(report.errors.empty()) << report.errors.front().reason;
    ASSERT_NE(find(report, "lo"), nullptr);
    ASSERT_NE(find(report, "herd0"), nullptr);
    EXPECT_EQ(find(report, "herd0")->oper_state, "down");
    EXPECT_FALSE(find(report, "herd0")->admin_up);
    EXPECT_EQ(find(report, "herd0")->kind, "veth");
    EXPECT_EQ(find(report, "herd0")->addresses, std::vector<std::string>{"10.77.0.1/24"});

    ASSERT_EQ(nl.set_up("herd0", true), 0);
    ASSERT_EQ(nl.set_up("herd1", true), 0);
    report = collect_until([](const auto& r) {
      return find(r, "herd0") && find(r, "herd0")->oper_state == "up" && find(r, "herd1")->oper_state == "up";
    });
    EXPECT_EQ(find(report, "herd0")->oper_state, "up");
    EXPECT_EQ(find(report, "herd0")->carrier, true);
    EXPECT_EQ(find(report, "herd1")->oper_state, "up");

    // One end down: it is down, and its peer loses carrier.
    ASSERT_EQ(nl.set_up("herd1", false), 0);
    report = collect_until([](const auto& r) {
      return find(r, "herd1") && find(r, "herd1")->oper_state == "down" &&
             find(r, "herd0")->oper_state == "lowerlayerdown";
    });
    EXPECT_EQ(find(report, "herd1")->oper_state, "down");
    EXPECT_FALSE(find(report, "herd1")->admin_up);
    EXPECT_EQ(find(report, "herd0")->oper_state, "lowerlayerdown");
    EXPECT_EQ(find(report, "herd0")->carrier, false);
  });
}

TEST(LinksInNetns, ReportsOnlyTheLinksThePatternsName) {
  if (auto why = test::missing_root()) GTEST_SKIP() << *why;
  in_new_netns([] {
    Netlink nl;
    ASSERT_EQ(nl.add_veth("herd0", "herd1"), 0);
    LinksCollector collector({"herd*"});
    protocol::NodeReport report;
    collector.collect(report);
    ASSERT_EQ(report.health.links.size(), 2u);
    EXPECT_EQ(find(report, "lo"), nullptr);
  });
}

}  // namespace
}  // namespace herd::collectors
