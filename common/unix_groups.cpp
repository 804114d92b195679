#include "common/unix_groups.hpp"

#include <grp.h>
#include <pwd.h>
#include <vector>

namespace herd {

namespace {
constexpr std::chrono::seconds kCacheFor{60};
}

std::string user_label(uid_t uid) {
  std::vector<char> buffer(16384);
  struct passwd pwd {};
  struct passwd* pw = nullptr;
  if (getpwuid_r(uid, &pwd, buffer.data(), buffer.size(), &pw) != 0 || pw == nullptr) {
    return "uid " + std::to_string(uid);
  }
  return "uid " + std::to_string(uid) + " (" + pw->pw_name + ")";
}

bool AdminCheck::is_admin(uid_t uid) {
  if (uid == 0) return true;
  if (group_.empty()) return false;
  const MonoTime now = clock_.monotonic();
  if (auto it = cache_.find(uid); it != cache_.end() && now - it->second.at < kCacheFor) return it->second.admin;
  const bool admin = lookup(uid);
  cache_[uid] = {admin, now};
  return admin;
}

bool AdminCheck::lookup(uid_t uid) const {
  std::vector<char> buffer(16384);
  struct group grp{};
  struct group* gr = nullptr;
  if (getgrnam_r(group_.c_str(), &grp, buffer.data(), buffer.size(), &gr) != 0 || gr == nullptr) return false;
  const gid_t admin_gid = gr->gr_gid;
  std::vector<char> pw_buffer(16384);
  struct passwd pwd{};
  struct passwd* pw = nullptr;
  if (getpwuid_r(uid, &pwd, pw_buffer.data(), pw_buffer.size(), &pw) != 0 || pw == nullptr) return false;
  if (pw->pw_gid == admin_gid) return true;
  int count = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  if (getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count) < 0) return false;
  }
  for (int i = 0; i < count; ++i) {
    if (groups[static_cast<std::size_t>(i)] == admin_gid) return true;
  }
  return false;
}

}  // namespace herd
