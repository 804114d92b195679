#include "protocol/report_model.hpp"

#include <gtest/gtest.h>

#include "collectors/collection.hpp"

namespace herd::collectors {
namespace {

// What the controller will do with a report: decode it with the same field lists.
Result<protocol::NodeReport> round_trip(const protocol::NodeReport& report) {
  msgpack::sbuffer buffer;
  protocol::Packer packer(buffer);
  protocol::Codec<protocol::NodeReport>::encode(packer, report);
  const msgpack::object_handle handle = msgpack::unpack(buffer.data(), buffer.size());
  protocol::NodeReport out;
  const protocol::PathSegment root{nullptr, "report", 0};
  if (auto s = protocol::Codec<protocol::NodeReport>::decode(handle.get(), out, root, {}); !s) {
    return std::move(s).error();
  }
  return out;
}

TEST(ReportModel, AReportOfThisMachineDecodesAsItWasEncoded) {
  SystemClock clock;
  CollectorsConfig config = default_collectors_config();
  config.mounts = {"/", "/proc"};
  auto collectors = make_collectors(config, {}, clock);
  const auto report = collect_report(clock, collectors, {});
  auto decoded = round_trip(report);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->collected_ms, report.collected_ms);
  EXPECT_EQ(decoded->health.mounts.size(), 2u);
  EXPECT_EQ(decoded->health.mounts[0].total_bytes, report.health.mounts[0].total_bytes);
  EXPECT_EQ(decoded->health.links.size(), report.health.links.size());
  EXPECT_EQ(decoded->errors.size(), report.errors.size());
  EXPECT_EQ(decoded->verdict.verdict, report.verdict.verdict);
}

TEST(ReportModel, OptionalFieldsThatWereNotMeasuredStayAbsent) {
  protocol::NodeReport report;
  protocol::MountUsage hung;
  hung.path = "/data";
  hung.state = protocol::MountState::hung;
  hung.hung_since_ms = 5;
  report.health.mounts.push_back(hung);
  auto decoded = round_trip(report);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_FALSE(decoded->health.memory.has_value());
  EXPECT_FALSE(decoded->health.mounts[0].total_bytes.has_value());
  EXPECT_EQ(decoded->health.mounts[0].state, protocol::MountState::hung);
  EXPECT_EQ(decoded->health.mounts[0].hung_since_ms, 5);
}

}  // namespace
}  // namespace herd::collectors
