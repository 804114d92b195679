#include "collectors/cephfs.hpp"

#include <sys/xattr.h>

#include <cerrno>
#include <cstring>

#include "collectors/mountinfo.hpp"
#include "collectors/quota.hpp"
#include "collectors/text.hpp"

namespace herd::collectors {
namespace {

// Reads one vxattr as a number; nullopt when the directory has none (no quota
// set). `missing` is set when the directory itself does not exist.
Result<std::optional<uint64_t>> read_number(const GetxattrFn& getxattr_fn, const std::string& path, const char* name,
                                            bool& missing) {
  char value[64];
  const ssize_t n = getxattr_fn(path.c_str(), name, value, sizeof value);
  if (n < 0) {
    const int error = errno;
    missing = error == ENOENT;
    if (error == ENODATA) return std::optional<uint64_t>{};
    if (error == ERANGE) return fail("{}: value longer than {} bytes", name, sizeof value);
    return fail("{}: {}", name, std::strerror(error));
  }
  auto number = parse_ceph_number(std::string_view(value, static_cast<std::size_t>(n)));
  if (!number) return context(std::move(number).error(), "{}", name);
  return std::optional<uint64_t>{*number};
}

// The template's fixed directory ("/home" of "/home/%u" or "/home/u%U"): where the filesystem is looked up.
std::string template_base(const std::string& pattern) {
  const auto escape = pattern.find('%');
  if (escape == std::string::npos) return pattern;
  const auto slash = pattern.rfind('/', escape);
  return slash == 0 || slash == std::string::npos ? "/" : pattern.substr(0, slash);
}

// The mount holding `path`: the longest mount point that is a prefix of it.
const MountEntry* containing_mount(const std::vector<MountEntry>& mounts, const std::string& path) {
  const MountEntry* best = nullptr;
  for (const MountEntry& m : mounts) {
    const bool prefix = path.compare(0, m.mount_point.size(), m.mount_point) == 0 &&
                        (m.mount_point == "/" || path.size() == m.mount_point.size() || path[m.mount_point.size()] == '/');
    if (prefix && (best == nullptr || m.mount_point.size() >= best->mount_point.size())) best = &m;
  }
  return best;
}

}  // namespace

Result<uint64_t> parse_ceph_number(std::string_view raw) {
  while (!raw.empty() && (raw.back() == '\0' || raw.back() == '\n')) raw.remove_suffix(1);
  uint64_t value = 0;
  if (!text::to_unsigned(raw, value)) return fail("expected a decimal number, got \"{}\"", raw.substr(0, 40));
  return value;
}

CephWalk walk_ceph_template(const std::string& pattern, const std::vector<UserRef>& users,
                            const GetxattrFn& getxattr_fn) {
  CephWalk walk;
  auto error = [&](const std::string& subject, std::string reason) {
    if (walk.errors.size() < kMaxErrors) walk.errors.push_back({"cephfs", subject, std::move(reason)});
  };
  for (const UserRef& user : users) {
    auto dir = expand_user_template(pattern, user);
    if (!dir) {
      error(pattern, dir.error().message);
      continue;
    }
    bool missing = false;
    auto used = read_number(getxattr_fn, *dir, "ceph.dir.rbytes", missing);
    if (!used) {
      if (missing) continue;  // a user without a directory here has nothing to report
      error(*dir, used.error().message);
      continue;
    }
    if (!*used) {
      error(*dir, "ceph.dir.rbytes is missing: not a CephFS directory");
      continue;
    }
    auto max_bytes = read_number(getxattr_fn, *dir, "ceph.quota.max_bytes", missing);
    auto files = read_number(getxattr_fn, *dir, "ceph.dir.rfiles", missing);
    auto max_files = read_number(getxattr_fn, *dir, "ceph.quota.max_files", missing);
    bool ok = true;
    for (const auto* r : {&max_bytes, &files, &max_files}) {
      if (!*r) {
        error(*dir, r->error().message);
        ok = false;
      }
    }
    if (!ok) continue;  // one bad attribute makes the whole row doubtful: report none of it
    protocol::UserQuota row;
    row.filesystem = pattern;
    row.uid = user.uid;
    row.directory = *dir;
    row.bytes_used = **used;
    // A max of 0 means "no quota" in CephFS, as for quotactl.
    if (*max_bytes && **max_bytes != 0) row.bytes_hard = **max_bytes;
    row.inodes_used = *files;
    if (*max_files && **max_files != 0) row.inodes_hard = **max_files;
    walk.rows.push_back(std::move(row));
  }
  return walk;
}

CephfsCollector::CephfsCollector(const Clock& clock, std::vector<CephTemplate> templates, UserSource users,
                                 Millis timeout, std::string proc_root, GetxattrFn getxattr_fn)
    : templates_(std::move(templates)),
      users_(std::move(users)),
      timeout_(timeout),
      proc_root_(std::move(proc_root)),
      getxattr_(std::move(getxattr_fn)),
      prober_(clock) {}

void CephfsCollector::collect(protocol::NodeReport& report) {
  if (templates_.empty()) return;
  auto users = users_();
  if (!users) {
    add_error(report, name(), "users", users.error());
    return;
  }
  const auto table = mount_table(report, name(), proc_root_);
  if (!table) return;
  std::vector<std::pair<std::string, Prober<CephWalk>::Call>> calls;
  for (const CephTemplate& t : templates_) {
    calls.emplace_back(t.pattern, [pattern = t.pattern, list = *users, fn = getxattr_] {
      return walk_ceph_template(pattern, list, fn);
    });
  }
  const auto outcomes = prober_.run(calls, timeout_);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const CephTemplate& t = templates_[i];
    if (!outcomes[i].value) {
      add_error(report, name(), t.pattern,
                fail("no answer within {} ms (walk started at {} ms): CephFS hung?", timeout_.count(),
                     to_unix_ms(outcomes[i].started)));
      continue;
    }
    const CephWalk& walk = *outcomes[i].value;
    for (const auto& e : walk.errors) add_error(report, name(), e.subject, Error{e.reason});
    const std::string base = template_base(t.pattern);
    const MountEntry* mount = containing_mount(*table, base);
    // statfs of the base is safe here: the walk under it just answered.
    auto fsid = filesystem_fsid(base);
    const std::string source = mount ? mount->source : "";
    report.quota_filesystems.push_back(protocol::QuotaFilesystem{
        t.pattern, "cephfs", t.pattern, source,
        fmt::format("cephfs:{}:{}", source, fsid ? *fsid : std::string("unknown")), t.shared});
    for (const auto& row : walk.rows) report.quotas.push_back(row);
  }
}

}  // namespace herd::collectors
