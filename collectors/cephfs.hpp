#pragma once
// Collector "cephfs": directory quotas of CephFS, read from the virtual
// extended attributes of each user's directory (templates such as
// "/home/%u"): ceph.quota.max_bytes and ceph.dir.rbytes, plus
// ceph.quota.max_files and ceph.dir.rfiles. A CephFS whose cluster stopped
// answering blocks getxattr, so each template's walk runs through a Prober
// and is abandoned after `timeout`.

#include <sys/types.h>
#include <sys/xattr.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "collectors/collector.hpp"
#include "collectors/prober.hpp"
#include "collectors/users.hpp"
#include "common/clock.hpp"

namespace herd::collectors {

// getxattr(2), or a stand-in in tests (no CephFS on a test machine).
using GetxattrFn = std::function<ssize_t(const char* path, const char* name, void* value, size_t size)>;

// A vxattr value: decimal digits, perhaps followed by a NUL or newline. Anything
// else ("12abc", "-1", "", 30 digits) is an error.
[[nodiscard]] Result<uint64_t> parse_ceph_number(std::string_view raw);

struct CephTemplate {
  std::string pattern;  // "/home/%u"
  bool shared = true;   // a CephFS is normally mounted by every node
};

struct CephWalk {
  std::vector<protocol::UserQuota> rows;
  std::vector<protocol::CollectorError> errors;
};

// Reads the quota of every user's directory for one template (what runs in the probe).
[[nodiscard]] CephWalk walk_ceph_template(const std::string& pattern, const std::vector<UserRef>& users,
                                          const GetxattrFn& getxattr_fn);

class CephfsCollector final : public Collector {
 public:
  CephfsCollector(const Clock& clock, std::vector<CephTemplate> templates, UserSource users, Millis timeout,
                  std::string proc_root = "/proc", GetxattrFn getxattr_fn = ::getxattr);
  [[nodiscard]] std::string_view name() const override { return "cephfs"; }
  void collect(protocol::NodeReport& report) override;

 private:
  std::vector<CephTemplate> templates_;
  UserSource users_;
  Millis timeout_;
  std::string proc_root_;
  GetxattrFn getxattr_;
  Prober<CephWalk> prober_;
};

}  // namespace herd::collectors
