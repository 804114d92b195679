#include "cli/users.hpp"

#include <charconv>
#include <pwd.h>
#include <vector>

namespace herd::cli {

Result<uint32_t> resolve_user(std::string_view user) {
  uint32_t uid = 0;
  const auto [end, ec] = std::from_chars(user.data(), user.data() + user.size(), uid);
  if (ec == std::errc{} && end == user.data() + user.size() && !user.empty()) return uid;
  std::vector<char> buffer(16384);
  struct passwd pwd {};
  struct passwd* found = nullptr;
  const std::string name(user);
  if (getpwnam_r(name.c_str(), &pwd, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return fail("no user named \"{}\"", user);
  }
  return static_cast<uint32_t>(found->pw_uid);
}

std::string user_name(uint32_t uid) {
  std::vector<char> buffer(16384);
  struct passwd pwd {};
  struct passwd* found = nullptr;
  if (getpwuid_r(uid, &pwd, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) return std::to_string(uid);
  return found->pw_name;
}

}  // namespace herd::cli
