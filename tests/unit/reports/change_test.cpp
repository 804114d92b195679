#include "reports/change.hpp"

#include <gtest/gtest.h>

namespace herd::reports {
namespace {

protocol::NodeReport base() {
  protocol::NodeReport r;
  protocol::MountUsage m;
  m.path = "/scratch";
  m.state = protocol::MountState::ok;
  m.used_bytes = 100;
  r.health.mounts.push_back(m);
  protocol::Link l;
  l.name = "eth0";
  l.oper_state = "up";
  l.rx_bytes = 1;
  r.health.links.push_back(l);
  protocol::UnitState u{"sshd.service", "loaded", "active", "running", 5};
  r.health.units.push_back(u);
  return r;
}

TEST(StateFingerprint, IgnoresCountersAndUsage) {
  auto a = base();
  auto b = base();
  b.collected_ms = 999;
  b.health.mounts[0].used_bytes = 200;
  b.health.links[0].rx_bytes = 12345;
  b.health.load = std::array<double, 3>{9, 9, 9};
  EXPECT_EQ(state_fingerprint(a), state_fingerprint(b));
}

TEST(StateFingerprint, ChangesWithEveryStateAPersonCaresAbout) {
  const uint64_t original = state_fingerprint(base());
  std::vector<std::function<void(protocol::NodeReport&)>> changes = {
      [](auto& r) { r.health.mounts[0].state = protocol::MountState::hung; },
      [](auto& r) { r.health.links[0].oper_state = "down"; },
      [](auto& r) { r.health.units[0].active_state = "failed"; },
      [](auto& r) { r.verdict.verdict = protocol::Verdict::warn; },
      [](auto& r) { r.health.systemd = protocol::SystemdState{"degraded", 1, {"x.service"}}; },
      [](auto& r) { r.user_units.push_back({1001, {"docker.service", "loaded", "active", "running", 1}}); },
      [](auto& r) { r.errors.push_back({"mounts", "/scratch", "timeout"}); },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto r = base();
    changes[i](r);
    EXPECT_NE(state_fingerprint(r), original) << "change " << i;
  }
}

TEST(StateFingerprint, FieldBoundariesCount) {
  auto a = base();
  auto b = base();
  a.health.units[0].active_state = "ab";
  a.health.units[0].sub_state = "c";
  b.health.units[0].active_state = "a";
  b.health.units[0].sub_state = "bc";
  EXPECT_NE(state_fingerprint(a), state_fingerprint(b));
}

}  // namespace
}  // namespace herd::reports
