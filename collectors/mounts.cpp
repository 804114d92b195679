#include "collectors/mounts.hpp"

#include <cerrno>
#include <cstring>
#include <limits>

#include "collectors/mountinfo.hpp"

namespace herd::collectors {
namespace {

bool multiply(uint64_t a, uint64_t b, uint64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

}  // namespace

Status fill_usage(const struct statvfs& st, protocol::MountUsage& mount) {
  const uint64_t unit = st.f_frsize != 0 ? st.f_frsize : st.f_bsize;
  if (unit == 0) return fail("statvfs gave a block size of 0");
  if (st.f_bfree > st.f_blocks || st.f_bavail > st.f_blocks) {
    return fail("statvfs gave more free blocks ({}) than blocks ({})", st.f_bfree, st.f_blocks);
  }
  if (st.f_ffree > st.f_files) return fail("statvfs gave more free inodes ({}) than inodes ({})", st.f_ffree, st.f_files);
  uint64_t total = 0, free = 0, available = 0;
  if (!multiply(st.f_blocks, unit, total) || !multiply(st.f_bfree, unit, free) ||
      !multiply(st.f_bavail, unit, available)) {
    return fail("statvfs sizes overflow 64 bits ({} blocks of {} bytes)", st.f_blocks, unit);
  }
  mount.total_bytes = total;
  mount.used_bytes = total - free;
  mount.available_bytes = available;
  mount.inodes_total = st.f_files;
  mount.inodes_free = st.f_ffree;
  return {};
}

MountsCollector::MountsCollector(const Clock& clock, std::vector<std::string> paths, Millis timeout,
                                 std::string proc_root, StatvfsFn statvfs_fn)
    : paths_(std::move(paths)),
      timeout_(timeout),
      proc_root_(std::move(proc_root)),
      statvfs_(std::move(statvfs_fn)),
      prober_(clock) {}

void MountsCollector::collect(protocol::NodeReport& report) {
  if (paths_.empty()) return;
  const auto table = mount_table(report, name(), proc_root_);
  if (!table) return;
  std::vector<std::pair<std::string, Prober<Probe>::Call>> calls;
  std::vector<std::size_t> probed;  // index into report.health.mounts of each call
  for (const std::string& path : paths_) {
    protocol::MountUsage& mount = report.health.mounts.emplace_back();
    mount.path = path;
    const MountEntry* entry = find_mount(*table, path);
    if (entry == nullptr) {
      // statvfs would answer for whatever lies beneath: a wrong number, not a measurement.
      mount.state = protocol::MountState::not_mounted;
      continue;
    }
    mount.fs_type = entry->fs_type;
    mount.source = entry->source;
    mount.read_only = entry->read_only;
    probed.push_back(report.health.mounts.size() - 1);
    calls.emplace_back(path, [path, fn = statvfs_] {
      Probe probe;
      probe.rc = fn(path.c_str(), &probe.st);
      probe.error = probe.rc == 0 ? 0 : errno;
      return probe;
    });
  }
  const auto outcomes = prober_.run(calls, timeout_);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    protocol::MountUsage& mount = report.health.mounts[probed[i]];
    const auto& outcome = outcomes[i];
    if (!outcome.value) {
      mount.state = protocol::MountState::hung;
      mount.hung_since_ms = to_unix_ms(outcome.started);
      continue;
    }
    if (outcome.value->rc != 0) {
      mount.state = protocol::MountState::error;
      add_error(report, name(), mount.path, fail("statvfs failed: {}", std::strerror(outcome.value->error)));
      continue;
    }
    if (auto filled = fill_usage(outcome.value->st, mount); !filled) {
      mount.state = protocol::MountState::error;
      add_error(report, name(), mount.path, filled.error());
      continue;
    }
    mount.state = protocol::MountState::ok;
  }
}

}  // namespace herd::collectors
