#include "collectors/config.hpp"

#include "collectors/systemd_units.hpp"
#include "common/config_reader.hpp"

namespace herd::collectors {

using namespace std::chrono_literals;

CollectorsConfig default_collectors_config() {
  CollectorsConfig c;
  c.system_bus = default_system_endpoints();
  return c;
}

void read_collectors_config(ConfigReader& r, CollectorsConfig& c) {
  r.optional("proc_root", c.proc_root);
  r.optional("passwd", c.passwd);
  int64_t first = c.users.first, last = c.users.last;
  r.optional("min_uid", first, 0, UINT32_MAX);
  r.optional("max_uid", last, 0, UINT32_MAX);
  if (first > last) r.error("max_uid", "must not be less than min_uid");
  c.users = UidRange{static_cast<uint32_t>(first), static_cast<uint32_t>(last)};

  r.optional("mounts", c.mounts);
  for (const auto& m : c.mounts) {
    if (m.empty() || m.front() != '/') r.error("mounts", fmt::format("\"{}\" is not an absolute path", m));
  }
  r.optional("mount_timeout", c.mount_timeout, 10ms, 1min);
  r.optional("links", c.links);
  r.optional("system_units", c.system_units);
  std::string system_bus;
  r.optional("system_bus", system_bus);
  bool system_bus_daemon = true;
  r.optional("system_bus_is_daemon", system_bus_daemon);
  if (!system_bus.empty()) c.system_bus = {BusEndpoint{system_bus, system_bus_daemon}};
  r.optional("bus_timeout", c.bus_timeout, 10ms, 1min);

  r.optional("user_units", c.user_units_enabled);
  r.optional("user_manager_address", c.user_managers.address_template);
  r.optional("user_manager_is_daemon", c.user_managers.bus_daemon);
  r.optional("user_unit_patterns", c.user_managers.patterns);
  r.optional("user_units_budget", c.user_managers.budget, 100ms, 10min);
  c.user_managers.timeout = c.bus_timeout;

  r.each_table("quota", [&](ConfigReader& q) {
    QuotaMount mount;
    q.required("path", mount.path);
    q.optional("shared", mount.shared);
    c.quota.push_back(std::move(mount));
  });
  r.each_table("cephfs", [&](ConfigReader& t) {
    CephTemplate ceph;
    t.required("template", ceph.pattern);
    t.optional("shared", ceph.shared);
    if (!ceph.pattern.empty()) {
      if (auto probe = expand_user_template(ceph.pattern, UserRef{1000, "user"}); !probe) {
        t.error("template", probe.error().message);
      }
    }
    c.cephfs.push_back(std::move(ceph));
  });
  r.optional("cephfs_timeout", c.cephfs_timeout, 100ms, 10min);
  r.optional("cgroups", c.cgroups_enabled);
  r.optional("cgroup_root", c.cgroup_root);
}

}  // namespace herd::collectors
