#pragma once
// Which users a node reports on, and where their things are: the passwd
// entries within a uid range (by default 1000..59999: regular users, the
// ones the directory manages), and path templates such as "/home/%u".

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace herd::collectors {

struct UserRef {
  uint32_t uid = 0;
  std::string name;
};

struct UidRange {
  uint32_t first = 1000;
  uint32_t last = 59999;
  [[nodiscard]] bool contains(uint32_t uid) const { return uid >= first && uid <= last; }
};

// Lists the users to report on; called once per collection.
using UserSource = std::function<Result<std::vector<UserRef>>()>;

// passwd(5) text: the entries whose uid is in `range`, in file order. A line
// of another shape is an error naming it.
[[nodiscard]] Result<std::vector<UserRef>> parse_passwd(std::string_view text, UidRange range);

// A UserSource reading `passwd_path` (the local file the directory writes;
// never NSS, which may block on a network directory).
[[nodiscard]] UserSource passwd_users(std::string passwd_path, UidRange range);

// Expands %u (name), %U (uid) and %%. An error for another escape, a relative
// result, a name with '/' or a ".." component: a template cannot leave its tree.
[[nodiscard]] Result<std::string> expand_user_template(std::string_view pattern, const UserRef& user);

}  // namespace herd::collectors
