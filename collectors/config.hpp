#pragma once
// The agent's [collectors] configuration: what to measure and how long to
// wait for it. Every key has a default (docs/collectors.md lists them), so
// an agent with no [collectors] table still reports /proc, links, systemd,
// the clock and the cgroup slices.

#include <string>
#include <vector>

#include "collectors/cephfs.hpp"
#include "collectors/quota.hpp"
#include "collectors/systemd_bus.hpp"
#include "collectors/user_units.hpp"
#include "collectors/users.hpp"
#include "common/clock.hpp"

namespace herd {
class ConfigReader;
}

namespace herd::collectors {

struct CollectorsConfig {
  std::string proc_root = "/proc";
  std::string passwd = "/etc/passwd";
  UidRange users;
  std::vector<std::string> mounts;      // mount points whose usage is reported
  Millis mount_timeout{2000};
  std::vector<std::string> links;       // globs; empty: every link
  std::vector<std::string> system_units;
  std::vector<BusEndpoint> system_bus;  // tried in order
  Millis bus_timeout{2000};
  UserManagerConfig user_managers;
  std::vector<QuotaMount> quota;
  std::vector<CephTemplate> cephfs;
  Millis cephfs_timeout{10000};
  std::string cgroup_root = "/sys/fs/cgroup";
  bool user_units_enabled = true;
  bool cgroups_enabled = true;
};

[[nodiscard]] CollectorsConfig default_collectors_config();

// Reads the [collectors] table; problems are recorded on `reader`.
void read_collectors_config(ConfigReader& reader, CollectorsConfig& out);

}  // namespace herd::collectors
