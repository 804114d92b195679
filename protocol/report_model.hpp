#pragma once
// What a node reports: the records of the agent's full report (SPEC §6),
// wire-ready through the field visitor of protocol/codec.hpp. The `report`
// message (protocol/messages/) carries one NodeReport; these records are not
// messages themselves.
//
// Conventions: sizes in bytes, times in ms since the Unix epoch (`*_ms`) or
// durations in ms, ratios in [0, 1]. A value the node could not measure is
// absent (std::optional), never zero; why it is absent is in `errors`.
// Arrays of records, no maps: every field is documented in docs/protocol.md.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/codec.hpp"

namespace herd::protocol {

// ---- health ----------------------------------------------------------------

struct CpuUse {
  static constexpr std::string_view kName = "CpuUse";
  uint64_t interval_ms = 0;
  double busy = 0;
  double user = 0;
  double system = 0;
  double iowait = 0;
  double steal = 0;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("interval_ms", self.interval_ms,
      "Span the ratios cover: since the previous collection, or since boot on the first one.");
    v("busy", self.busy, "Share of CPU time not idle and not waiting for I/O, over all CPUs, 0..1.");
    v("user", self.user, "Share in user mode (user + nice), 0..1.");
    v("system", self.system, "Share in the kernel (system + irq + softirq), 0..1.");
    v("iowait", self.iowait, "Share idle while waiting for I/O, 0..1.");
    v("steal", self.steal, "Share taken by the hypervisor, 0..1.");
  }
};

struct Memory {
  static constexpr std::string_view kName = "Memory";
  uint64_t total_bytes = 0;
  uint64_t available_bytes = 0;
  uint64_t free_bytes = 0;
  uint64_t swap_total_bytes = 0;
  uint64_t swap_free_bytes = 0;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("total_bytes", self.total_bytes, "MemTotal.");
    v("available_bytes", self.available_bytes, "MemAvailable: what can be allocated without swapping.");
    v("free_bytes", self.free_bytes, "MemFree.");
    v("swap_total_bytes", self.swap_total_bytes, "SwapTotal (0: no swap).");
    v("swap_free_bytes", self.swap_free_bytes, "SwapFree.");
  }
};

struct Processes {
  static constexpr std::string_view kName = "Processes";
  uint32_t count = 0;
  uint32_t threads = 0;
  uint32_t running = 0;
  uint32_t blocked = 0;
  uint64_t forks = 0;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("count", self.count, "Processes (numeric entries of /proc).");
    v("threads", self.threads, "Kernel scheduling entities (threads), from /proc/loadavg.");
    v("running", self.running, "Runnable now (procs_running).");
    v("blocked", self.blocked, "Blocked on I/O now (procs_blocked).");
    v("forks", self.forks, "Processes created since boot.");
  }
};

enum class MountState : uint8_t { ok, hung, not_mounted, error };
template <>
struct EnumNames<MountState> {
  static constexpr std::array<std::string_view, 4> names{"ok", "hung", "not_mounted", "error"};
};

struct MountUsage {
  static constexpr std::string_view kName = "MountUsage";
  std::string path;
  MountState state = MountState::error;
  std::optional<std::string> fs_type;
  std::optional<std::string> source;
  std::optional<bool> read_only;
  std::optional<uint64_t> total_bytes;
  std::optional<uint64_t> used_bytes;
  std::optional<uint64_t> available_bytes;
  std::optional<uint64_t> inodes_total;
  std::optional<uint64_t> inodes_free;
  std::optional<int64_t> hung_since_ms;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("path", self.path, "Configured mount point.", Bounds{4096});
    v("state", self.state,
      "`ok`: statvfs answered; `hung`: it did not answer within `mount_timeout` (or an earlier probe is "
      "still stuck); `not_mounted`: nothing is mounted at `path`; `error`: statvfs failed (see `errors`).");
    v("fs_type", self.fs_type, "Filesystem type from the mount table, e.g. `xfs`, `nfs4`, `ceph`.", Bounds{64});
    v("source", self.source, "Mount source: device, `server:/export`, ...", Bounds{4096});
    v("read_only", self.read_only, "Mounted read-only.");
    v("total_bytes", self.total_bytes, "Size (f_blocks * f_frsize). Present when `state` is `ok`.");
    v("used_bytes", self.used_bytes, "Size minus free blocks (f_bfree).");
    v("available_bytes", self.available_bytes, "Free to unprivileged users (f_bavail).");
    v("inodes_total", self.inodes_total, "Inodes (0 on filesystems without a fixed count).");
    v("inodes_free", self.inodes_free, "Free inodes.");
    v("hung_since_ms", self.hung_since_ms, "When the probe that has not returned was started; only when `hung`.");
  }
};

struct Link {
  static constexpr std::string_view kName = "Link";
  std::string name;
  uint32_t index = 0;
  std::string oper_state;
  bool admin_up = false;
  std::optional<bool> carrier;
  std::optional<std::string> kind;
  std::optional<uint32_t> mtu;
  std::optional<std::string> mac;
  std::optional<uint64_t> rx_bytes;
  std::optional<uint64_t> tx_bytes;
  std::optional<uint64_t> rx_packets;
  std::optional<uint64_t> tx_packets;
  std::optional<uint64_t> rx_errors;
  std::optional<uint64_t> tx_errors;
  std::optional<uint64_t> rx_dropped;
  std::optional<uint64_t> tx_dropped;
  std::vector<std::string> addresses;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("name", self.name, "Interface name.", Bounds{16});
    v("index", self.index, "Kernel interface index.");
    v("oper_state", self.oper_state,
      "RFC 2863 operational state: `up`, `down`, `lowerlayerdown`, `dormant`, `testing`, `notpresent` or "
      "`unknown` (virtual links without a notion of state report `unknown`).",
      Bounds{32});
    v("admin_up", self.admin_up, "Administratively up (IFF_UP).");
    v("carrier", self.carrier, "Physical carrier present (IFLA_CARRIER); absent when the kernel did not say.");
    v("kind", self.kind, "Link type for virtual links: `veth`, `bond`, `bridge`, `vlan`, ...", Bounds{32});
    v("mtu", self.mtu, "MTU in bytes.");
    v("mac", self.mac, "Hardware address, lower-case hex with colons.", Bounds{96});
    v("rx_bytes", self.rx_bytes, "Bytes received since the link appeared (IFLA_STATS64).");
    v("tx_bytes", self.tx_bytes, "Bytes sent.");
    v("rx_packets", self.rx_packets, "Packets received.");
    v("tx_packets", self.tx_packets, "Packets sent.");
    v("rx_errors", self.rx_errors, "Receive errors.");
    v("tx_errors", self.tx_errors, "Transmit errors.");
    v("rx_dropped", self.rx_dropped, "Received packets dropped.");
    v("tx_dropped", self.tx_dropped, "Packets dropped on send.");
    v("addresses", self.addresses, "IPv4 and IPv6 addresses with prefix length, e.g. `10.1.2.3/16`.", Bounds{256});
  }
};

struct UnitState {
  static constexpr std::string_view kName = "UnitState";
  std::string name;
  std::string load_state;
  std::string active_state;
  std::string sub_state;
  std::optional<int64_t> since_ms;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("name", self.name, "Unit name, e.g. `sshd.service`.", Bounds{256});
    v("load_state", self.load_state, "systemd LoadState: `loaded`, `not-found`, `masked`, `error`, ...", Bounds{32});
    v("active_state", self.active_state,
      "systemd ActiveState: `active`, `inactive`, `failed`, `activating`, `deactivating`, `reloading`.",
      Bounds{32});
    v("sub_state", self.sub_state, "systemd SubState, e.g. `running`, `exited`, `dead`.", Bounds{32});
    v("since_ms", self.since_ms, "When the unit last changed state (StateChangeTimestamp); absent if never.");
  }
};

struct SystemdState {
  static constexpr std::string_view kName = "SystemdState";
  std::string state;
  uint32_t failed_count = 0;
  std::vector<std::string> failed_units;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("state", self.state,
      "Manager SystemState: `running`, `degraded`, `starting`, `initializing`, `maintenance`, `stopping`.",
      Bounds{32});
    v("failed_count", self.failed_count, "Units in the failed state (may exceed the names listed).");
    v("failed_units", self.failed_units, "Names of failed units, at most 100.", Bounds{100});
  }
};

struct ClockSync {
  static constexpr std::string_view kName = "ClockSync";
  bool synchronized = false;
  int64_t offset_us = 0;
  int64_t max_error_us = 0;
  int64_t estimated_error_us = 0;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("synchronized", self.synchronized,
      "The kernel clock is disciplined by NTP/PTP (adjtimex: not TIME_ERROR, STA_UNSYNC clear).");
    v("offset_us", self.offset_us, "Last measured offset from the reference, microseconds.");
    v("max_error_us", self.max_error_us, "Maximum error bound, microseconds.");
    v("estimated_error_us", self.estimated_error_us, "Estimated error, microseconds.");
  }
};

struct Health {
  static constexpr std::string_view kName = "Health";
  std::optional<uint64_t> uptime_ms;
  std::optional<std::array<double, 3>> load;
  uint32_t cpus = 0;
  std::optional<CpuUse> cpu;
  std::optional<Memory> memory;
  std::optional<Processes> processes;
  std::optional<uint64_t> oom_kills;
  std::vector<MountUsage> mounts;
  std::vector<Link> links;
  std::optional<SystemdState> systemd;
  std::vector<UnitState> units;
  std::optional<ClockSync> clock;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("uptime_ms", self.uptime_ms, "Time since boot.");
    v("load", self.load, "Load averages over 1, 5 and 15 minutes.");
    v("cpus", self.cpus, "Online CPUs.");
    v("cpu", self.cpu, "CPU time shares.");
    v("memory", self.memory, "Memory and swap.");
    v("processes", self.processes, "Process counts.");
    v("oom_kills", self.oom_kills, "Processes killed by the OOM killer since boot (/proc/vmstat oom_kill).");
    v("mounts", self.mounts, "The configured mount points, in configuration order.", Bounds{1024});
    v("links", self.links, "Network links, by index.", Bounds{4096});
    v("systemd", self.systemd, "The system manager's state; absent when it could not be asked.");
    v("units", self.units, "The configured system units, in configuration order.", Bounds{1024});
    v("clock", self.clock, "Clock synchronisation.");
  }
};

// ---- quota -----------------------------------------------------------------

struct QuotaFilesystem {
  static constexpr std::string_view kName = "QuotaFilesystem";
  std::string id;
  std::string kind;
  std::string path;
  std::string source;
  std::string identity;
  bool shared = false;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("id", self.id, "Name of this filesystem within the report; `UserQuota.filesystem` refers to it.", Bounds{4096});
    v("kind", self.kind, "`xfs`, `ext4` (quotactl) or `cephfs` (directory quotas).", Bounds{16});
    v("path", self.path, "Mount point, or the directory template for CephFS (`/home/%u`).", Bounds{4096});
    v("source", self.source, "Mount source (device, `mon:/path`).", Bounds{4096});
    v("identity", self.identity,
      "Identifies the filesystem across nodes: `<kind>:<source>:<fsid>` (fsid from statfs). When `shared`, "
      "the controller counts every node's rows with the same identity once; otherwise per node.",
      Bounds{4096});
    v("shared", self.shared,
      "Configured as shared by many nodes (CephFS by default); per-node filesystems are not.");
  }
};

struct UserQuota {
  static constexpr std::string_view kName = "UserQuota";
  std::string filesystem;
  uint32_t uid = 0;
  std::optional<std::string> directory;
  uint64_t bytes_used = 0;
  std::optional<uint64_t> bytes_soft;
  std::optional<uint64_t> bytes_hard;
  std::optional<uint64_t> inodes_used;
  std::optional<uint64_t> inodes_soft;
  std::optional<uint64_t> inodes_hard;
  std::optional<int64_t> bytes_grace_until_ms;
  std::optional<int64_t> inodes_grace_until_ms;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("filesystem", self.filesystem, "`QuotaFilesystem.id` this row belongs to.", Bounds{4096});
    v("uid", self.uid, "The user.");
    v("directory", self.directory, "CephFS: the user's directory (template expanded).", Bounds{4096});
    v("bytes_used", self.bytes_used, "Space used (quotactl dqb_curspace; CephFS ceph.dir.rbytes).");
    v("bytes_soft", self.bytes_soft, "Soft limit; absent when none is set.");
    v("bytes_hard", self.bytes_hard, "Hard limit (CephFS ceph.quota.max_bytes); absent when none is set.");
    v("inodes_used", self.inodes_used, "Files used (CephFS ceph.dir.rfiles).");
    v("inodes_soft", self.inodes_soft, "Soft file limit; absent when none.");
    v("inodes_hard", self.inodes_hard, "Hard file limit (CephFS ceph.quota.max_files); absent when none.");
    v("bytes_grace_until_ms", self.bytes_grace_until_ms, "Over the soft limit: when the grace period ends.");
    v("inodes_grace_until_ms", self.inodes_grace_until_ms, "Over the soft file limit: when the grace ends.");
  }
};

struct UserSlice {
  static constexpr std::string_view kName = "UserSlice";
  uint32_t uid = 0;
  std::optional<uint64_t> memory_bytes;
  std::optional<uint64_t> memory_max_bytes;
  std::optional<uint64_t> memory_high_bytes;
  std::optional<uint64_t> memory_peak_bytes;
  std::optional<uint64_t> cpu_usage_us;
  std::optional<uint64_t> cpu_quota_us;
  std::optional<uint64_t> cpu_period_us;
  std::optional<uint32_t> cpu_weight;
  std::optional<uint64_t> tasks;
  std::optional<uint64_t> tasks_max;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("uid", self.uid, "The user whose `user-UID.slice` this is.");
    v("memory_bytes", self.memory_bytes, "memory.current; absent when the memory controller is not enabled.");
    v("memory_max_bytes", self.memory_max_bytes, "memory.max; absent when `max` (no limit).");
    v("memory_high_bytes", self.memory_high_bytes, "memory.high; absent when `max`.");
    v("memory_peak_bytes", self.memory_peak_bytes, "memory.peak (kernels >= 5.19).");
    v("cpu_usage_us", self.cpu_usage_us, "CPU time used since the slice was created (cpu.stat usage_usec).");
    v("cpu_quota_us", self.cpu_quota_us,
      "cpu.max quota per period; absent when `max`. quota / period = CPUs' worth allowed.");
    v("cpu_period_us", self.cpu_period_us, "cpu.max period.");
    v("cpu_weight", self.cpu_weight, "cpu.weight (1..10000, default 100).");
    v("tasks", self.tasks, "pids.current.");
    v("tasks_max", self.tasks_max, "pids.max; absent when `max`.");
  }
};

// ---- daemons ---------------------------------------------------------------

struct UserUnit {
  static constexpr std::string_view kName = "UserUnit";
  uint32_t uid = 0;
  UnitState unit;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("uid", self.uid, "Owner of the user manager (`user@UID.service`) the unit runs under.");
    v("unit", self.unit, "The unit and its state.");
  }
};

// ---- errors and verdict ----------------------------------------------------

struct CollectorError {
  static constexpr std::string_view kName = "CollectorError";
  std::string collector;
  std::string subject;
  std::string reason;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("collector", self.collector,
      "`proc`, `mounts`, `links`, `systemd`, `clock`, `quota`, `cephfs`, `cgroups`, `user_units`.", Bounds{32});
    v("subject", self.subject, "What it was reading: a file, mount point, unit, uid... (may be empty).",
      Bounds{4096});
    v("reason", self.reason, "One line: what went wrong.", Bounds{4096});
  }
};

enum class Verdict : uint8_t { ok, warn, fail };
template <>
struct EnumNames<Verdict> {
  static constexpr std::array<std::string_view, 3> names{"ok", "warn", "fail"};
};

struct CheckFinding {
  static constexpr std::string_view kName = "CheckFinding";
  std::string check;
  Verdict level = Verdict::warn;
  std::string message;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("check", self.check, "Which check: `load`, `mount:/scratch`, `link:eth0`, `unit:sshd.service`, ...",
      Bounds{4096});
    v("level", self.level, "`warn` or `fail` (checks that pass are not listed).");
    v("message", self.message, "One line for a human, e.g. \"/scratch 97% used (limit 95%)\".", Bounds{4096});
  }
};

struct HealthVerdict {
  static constexpr std::string_view kName = "HealthVerdict";
  Verdict verdict = Verdict::ok;
  std::vector<CheckFinding> findings;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("verdict", self.verdict, "The worst level among `findings`; `ok` when there are none.");
    v("findings", self.findings, "Checks that did not pass, in configuration order.", Bounds{4096});
  }
};

// ---- the whole report ------------------------------------------------------

struct NodeReport {
  static constexpr std::string_view kName = "NodeReport";
  int64_t collected_ms = 0;
  uint64_t duration_ms = 0;
  Health health;
  HealthVerdict verdict;
  std::vector<QuotaFilesystem> quota_filesystems;
  std::vector<UserQuota> quotas;
  std::vector<UserSlice> slices;
  std::vector<UserUnit> user_units;
  std::vector<CollectorError> errors;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("collected_ms", self.collected_ms, "When the collection started.");
    v("duration_ms", self.duration_ms, "How long it took.");
    v("health", self.health, "Health measurements.");
    v("verdict", self.verdict, "The configured health checks applied to `health` and `errors`.");
    v("quota_filesystems", self.quota_filesystems, "Filesystems the quota rows refer to.", Bounds{1024});
    v("quotas", self.quotas, "Per-user disk usage and limits.", Bounds{1'000'000});
    v("slices", self.slices, "Per-user cgroup v2 slices (`user.slice/user-UID.slice`).", Bounds{100'000});
    v("user_units", self.user_units, "Units of users' own systemd managers.", Bounds{1'000'000});
    v("errors", self.errors, "What could not be collected, and why; at most 1000.", Bounds{1000});
  }
};

}  // namespace herd::protocol
