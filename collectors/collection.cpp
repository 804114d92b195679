#include <csignal>
#include <pthread.h>
#include "collectors/collection.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "collectors/cephfs.hpp"
#include "collectors/cgroups.hpp"
#include "collectors/clock.hpp"
#include "collectors/links.hpp"
#include "collectors/mounts.hpp"
#include "collectors/proc_collector.hpp"
#include "collectors/quota.hpp"
#include "collectors/systemd_units.hpp"
#include "collectors/user_units.hpp"

namespace herd::collectors {
namespace {

// `base` followed by the entries of `more` it lacks, in order.
std::vector<std::string> merged(std::vector<std::string> base, const std::vector<std::string>& more) {
  std::set<std::string> seen(base.begin(), base.end());
  for (const auto& m : more) {
    if (seen.insert(m).second) base.push_back(m);
  }
  return base;
}

}  // namespace

protocol::NodeReport collect_report(const Clock& clock, const std::vector<std::unique_ptr<Collector>>& collectors,
                                    const HealthChecks& checks) {
  protocol::NodeReport report;
  report.collected_ms = to_unix_ms(clock.wall());
  const MonoTime start = clock.monotonic();
  for (const auto& collector : collectors) collector->collect(report);
  report.duration_ms = static_cast<uint64_t>(std::chrono::duration_cast<Millis>(clock.monotonic() - start).count());
  report.verdict = evaluate(report, checks);
  return report;
}

std::vector<std::unique_ptr<Collector>> make_collectors(const CollectorsConfig& config, const HealthChecks& checks,
                                                        const Clock& clock) {
  std::vector<std::string> check_mounts, check_units;
  for (const auto& m : checks.mounts) check_mounts.push_back(m.path);
  for (const auto& u : checks.units) check_units.push_back(u.name);
  const UserSource users = passwd_users(config.passwd, config.users);

  std::vector<std::unique_ptr<Collector>> out;
  out.push_back(std::make_unique<ProcCollector>(clock, config.proc_root));
  out.push_back(std::make_unique<ClockCollector>());
  out.push_back(std::make_unique<LinksCollector>(config.links));
  out.push_back(std::make_unique<MountsCollector>(clock, merged(config.mounts, check_mounts), config.mount_timeout,
                                                  config.proc_root));
  out.push_back(std::make_unique<SystemdCollector>(config.system_bus, merged(config.system_units, check_units),
                                                   config.bus_timeout));
  if (!config.quota.empty()) {
    out.push_back(std::make_unique<QuotaCollector>(config.quota, config.users, users, system_quota_kernel(),
                                                   config.proc_root));
  }
  if (!config.cephfs.empty()) {
    out.push_back(std::make_unique<CephfsCollector>(clock, config.cephfs, users, config.cephfs_timeout,
                                                    config.proc_root));
  }
  if (config.cgroups_enabled) out.push_back(std::make_unique<CgroupsCollector>(config.cgroup_root, config.users));
  if (config.user_units_enabled) {
    out.push_back(std::make_unique<UserUnitsCollector>(clock, config.user_managers, users));
  }
  return out;
}

Result<std::unique_ptr<Collection>> Collection::create(const Clock& clock,
                                                      std::vector<std::unique_ptr<Collector>> collectors,
                                                      HealthChecks checks) {
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return fail("cannot create the collection's eventfd: {}", std::strerror(errno));
  return std::unique_ptr<Collection>(new Collection(clock, std::move(collectors), std::move(checks), fd));
}

Collection::Collection(const Clock& clock, std::vector<std::unique_ptr<Collector>> collectors, HealthChecks checks,
                       int fd)
    : clock_(clock), collectors_(std::move(collectors)), checks_(std::move(checks)), event_fd_(fd) {
  worker_ = std::thread([this] { run(); });
}

Collection::~Collection() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
  ::close(event_fd_);
}

bool Collection::request() {
  {
    std::lock_guard lock(mutex_);
    if (requested_ || running_ || ready_) return false;
    requested_ = true;
  }
  wake_.notify_all();
  return true;
}

std::optional<protocol::NodeReport> Collection::take() {
  uint64_t count = 0;
  while (::read(event_fd_, &count, sizeof count) < 0 && errno == EINTR) {
  }
  std::lock_guard lock(mutex_);
  return std::exchange(ready_, std::nullopt);
}

void Collection::run() {
  // Process signals (SIGTERM...) are the event loop's, through its signalfd;
  // a worker must never be the thread the kernel picks to deliver them to.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return requested_ || stopping_; });
      if (stopping_) return;
      requested_ = false;
      running_ = true;
    }
    protocol::NodeReport report = collect_report(clock_, collectors_, checks_);
    {
      std::lock_guard lock(mutex_);
      ready_ = std::move(report);
      running_ = false;
    }
    const uint64_t one = 1;
    while (::write(event_fd_, &one, sizeof one) < 0 && errno == EINTR) {
    }
  }
}

}  // namespace herd::collectors
