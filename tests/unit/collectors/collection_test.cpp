#include "collectors/collection.hpp"

#include <poll.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace std::chrono_literals;
using testing::HasSubstr;

namespace herd::collectors {
namespace {

// A collector that takes its time, as a bus call near its timeout would.
class SlowCollector final : public Collector {
 public:
  explicit SlowCollector(std::chrono::milliseconds delay) : delay_(delay) {}
  [[nodiscard]] std::string_view name() const override { return "slow"; }
  void collect(protocol::NodeReport& report) override {
    std::this_thread::sleep_for(delay_);
    report.health.cpus = 8;
    add_error(report, name(), "thing", Error{"it broke"});
  }

 private:
  std::chrono::milliseconds delay_;
};

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

TEST(Collection, RequestReturnsAtOnceAndTheFdSignalsTheReport) {
  SystemClock clock;
  std::vector<std::unique_ptr<Collector>> collectors;
  collectors.push_back(std::make_unique<SlowCollector>(300ms));
  HealthChecks checks;
  checks.collector_errors = Severity::fail;
  auto collection = Collection::create(clock, std::move(collectors), checks);
  ASSERT_TRUE(collection.ok());
  Collection& c = **collection;

  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.request());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_FALSE(c.request());  // one at a time
  EXPECT_FALSE(readable(c.ready_fd(), 0));
  EXPECT_FALSE(c.take().has_value());

  ASSERT_TRUE(readable(c.ready_fd(), 5000));
  EXPECT_FALSE(c.request());  // a finished report waits to be taken
  auto report = c.take();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(readable(c.ready_fd(), 0));  // take() consumed the signal
  EXPECT_EQ(report->health.cpus, 8u);
  EXPECT_GE(report->duration_ms, 290u);
  EXPECT_EQ(report->verdict.verdict, protocol::Verdict::fail);
  EXPECT_THAT(report->verdict.findings[0].message, HasSubstr("slow thing: it broke"));
  EXPECT_TRUE(c.request());  // and the next one can start
}

TEST(Collection, StopsCleanlyWithACollectionInFlight) {
  SystemClock clock;
  std::vector<std::unique_ptr<Collector>> collectors;
  collectors.push_back(std::make_unique<SlowCollector>(100ms));
  auto collection = Collection::create(clock, std::move(collectors), HealthChecks{});
  ASSERT_TRUE(collection.ok());
  EXPECT_TRUE((*collection)->request());
  collection = Error{};  // destroyed mid-collection: waits for it, then joins
}

TEST(AddError, BoundsTheNumberOfErrors) {
  protocol::NodeReport report;
  for (int i = 0; i < 5000; ++i) add_error(report, "cephfs", "/home/x", Error{"bad"});
  EXPECT_EQ(report.errors.size(), kMaxErrors);
  EXPECT_EQ(report.errors.back().reason, "more collector errors were dropped");
  add_error(report, std::string(100, 'c'), "", Error{std::string(10000, 'x')});
  EXPECT_EQ(report.errors.size(), kMaxErrors);
}

TEST(AddError, CutsOverlongTextToTheReportsBounds) {
  protocol::NodeReport report;
  add_error(report, std::string(100, 'c'), std::string(5000, 's'), Error{std::string(10000, 'x')});
  EXPECT_EQ(report.errors[0].collector.size(), 32u);
  EXPECT_EQ(report.errors[0].subject.size(), 4096u);
  EXPECT_EQ(report.errors[0].reason.size(), 4096u);
}

TEST(MakeCollectors, AFullCollectionOfThisMachineNeverFailsAsAWhole) {
  SystemClock clock;
  CollectorsConfig config = default_collectors_config();
  config.mounts = {"/"};
  config.system_units = {"herd-nonexistent.service"};
  HealthChecks checks;
  checks.mounts.push_back({"/", std::nullopt, 100, Severity::fail});
  auto collectors = make_collectors(config, checks, clock);
  const auto report = collect_report(clock, collectors, checks);
  ASSERT_EQ(report.health.mounts.size(), 1u);  // "/" named twice, measured once
  EXPECT_EQ(report.health.mounts[0].state, protocol::MountState::ok);
  EXPECT_TRUE(report.health.memory.has_value());
  EXPECT_FALSE(report.health.links.empty());
  EXPECT_TRUE(report.health.clock.has_value());
  // systemd may not be PID 1 here: then its absence is an error in the report, not a failure of the collection.
  if (!report.health.systemd) {
    bool explained = false;
    for (const auto& e : report.errors) explained |= e.collector == "systemd";
    EXPECT_TRUE(explained);
  }
}

}  // namespace
}  // namespace herd::collectors
