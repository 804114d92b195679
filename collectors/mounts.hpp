#pragma once
// Collector "mounts": usage of the configured mount points. The mount table
// says whether each one is mounted (and what: type, source); statvfs says how
// full it is. statvfs runs through a Prober, so a mount that does not answer
// within `timeout` is reported `hung` and the collection goes on; the stuck
// call is abandoned, not waited for, and not repeated while it is stuck.

#include <sys/statvfs.h>

#include <functional>
#include <string>
#include <vector>

#include "collectors/collector.hpp"
#include "collectors/prober.hpp"
#include "common/clock.hpp"

namespace herd::collectors {

// statvfs(2), or a stand-in in tests.
using StatvfsFn = std::function<int(const char* path, struct statvfs* out)>;

// Checks the numbers statvfs gave and fills the usage fields of `mount`:
// a zero fragment size, more free than total, or sizes beyond 64 bits are errors.
[[nodiscard]] Status fill_usage(const struct statvfs& st, protocol::MountUsage& mount);

class MountsCollector final : public Collector {
 public:
  MountsCollector(const Clock& clock, std::vector<std::string> paths, Millis timeout,
                  std::string proc_root = "/proc", StatvfsFn statvfs_fn = ::statvfs);
  [[nodiscard]] std::string_view name() const override { return "mounts"; }
  void collect(protocol::NodeReport& report) override;

  // statvfs calls still running, hung ones included (never more than the mount points).
  [[nodiscard]] std::size_t outstanding_probes() const { return prober_.outstanding(); }

 private:
  struct Probe {
    int rc = 0;
    int error = 0;
    struct statvfs st {};
  };

  std::vector<std::string> paths_;
  Millis timeout_;
  std::string proc_root_;
  StatvfsFn statvfs_;
  Prober<Probe> prober_;
};

}  // namespace herd::collectors
