#include "reports/views.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace herd::reports {
namespace {

const protocol::QuotaFilesystem* find_filesystem(const protocol::NodeReport& report, const std::string& id) {
  for (const auto& fs : report.quota_filesystems) {
    if (fs.id == id) return &fs;
  }
  return nullptr;
}

}  // namespace

protocol::QuotaReply quota_view(std::span<const NodeReportRef> reports, const UserSelection& users) {
  protocol::QuotaReply reply;
  // Shared rows by (identity, uid): the one from the newest report wins.
  std::map<std::pair<std::string, uint32_t>, std::pair<int64_t, protocol::QuotaRow>> shared;
  for (const NodeReportRef& ref : reports) {
    const protocol::NodeReport& report = *ref.report;
    for (const protocol::UserQuota& q : report.quotas) {
      if (!users.includes(q.uid)) continue;
      const protocol::QuotaFilesystem* fs = find_filesystem(report, q.filesystem);
      if (fs == nullptr) continue;  // a row without its filesystem: nothing to say what it is
      protocol::QuotaRow row;
      row.filesystem = *fs;
      row.quota = q;
      if (fs->shared) {
        auto key = std::make_pair(fs->identity, q.uid);
        auto it = shared.find(key);
        if (it == shared.end() || it->second.first < report.collected_ms) {
          shared[key] = {report.collected_ms, std::move(row)};
        }
      } else {
        row.node = std::string(ref.node);
        reply.rows.push_back(std::move(row));
      }
    }
    for (const protocol::UserSlice& slice : report.slices) {
      if (users.includes(slice.uid)) reply.slices.push_back({std::string(ref.node), slice});
    }
  }
  for (auto& [key, entry] : shared) reply.rows.push_back(std::move(entry.second));
  std::sort(reply.rows.begin(), reply.rows.end(), [](const protocol::QuotaRow& a, const protocol::QuotaRow& b) {
    return std::tie(a.quota.uid, a.filesystem.path, a.node) < std::tie(b.quota.uid, b.filesystem.path, b.node);
  });
  std::sort(reply.slices.begin(), reply.slices.end(), [](const protocol::SliceRow& a, const protocol::SliceRow& b) {
    return std::tie(a.slice.uid, a.node) < std::tie(b.slice.uid, b.node);
  });
  return reply;
}

protocol::DaemonReply daemon_view(std::span<const NodeReportRef> reports, const UserSelection& users,
                                  const std::optional<std::string>& node) {
  protocol::DaemonReply reply;
  for (const NodeReportRef& ref : reports) {
    if (node && ref.node != *node) continue;
    for (const protocol::UserUnit& u : ref.report->user_units) {
      if (users.includes(u.uid)) reply.units.push_back({std::string(ref.node), u});
    }
  }
  std::sort(reply.units.begin(), reply.units.end(), [](const protocol::DaemonRow& a, const protocol::DaemonRow& b) {
    return std::tie(a.unit.uid, a.node, a.unit.unit.name) < std::tie(b.unit.uid, b.node, b.unit.unit.name);
  });
  return reply;
}

protocol::NodeReport filter_report(const protocol::NodeReport& report, const UserSelection& users) {
  protocol::NodeReport filtered = report;
  std::erase_if(filtered.quotas, [&](const auto& q) { return !users.includes(q.uid); });
  std::erase_if(filtered.slices, [&](const auto& s) { return !users.includes(s.uid); });
  std::erase_if(filtered.user_units, [&](const auto& u) { return !users.includes(u.uid); });
  return filtered;
}

}  // namespace herd::reports
