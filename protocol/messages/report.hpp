#pragma once
// The full report an agent sends on start, when something changes and every
// report_interval. Its contents are the NodeReport of report_model.hpp.

#include <string_view>

#include "protocol/channel.hpp"
#include "protocol/report_model.hpp"

namespace herd::protocol {

struct Report {
  static constexpr std::string_view kName = "report";
  static constexpr Channel kChannel = Channel::agent_to_controller;
  static constexpr std::string_view kDoc =
      "A full report: health, per-user quota, slices and user units, collector errors and the health verdict. "
      "Sent on start, within `collect_interval` of a change of state, and at least every `report_interval` "
      "(default 10 s). The controller keeps the latest per node.";

  NodeReport report;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("report", self.report, "The node's report.");
  }
};

}  // namespace herd::protocol
