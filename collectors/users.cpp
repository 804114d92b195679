#include "collectors/users.hpp"

#include "collectors/text.hpp"
#include "common/atomic_file.hpp"

namespace herd::collectors {

Result<std::vector<UserRef>> parse_passwd(std::string_view text, UidRange range) {
  std::vector<UserRef> users;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::string_view line = text::next_line(text);
    ++line_number;
    if (line.empty() || line.front() == '#' || line.front() == '+' || line.front() == '-') continue;
    std::string_view fields[7];
    std::string_view rest = line;
    std::size_t count = 0;
    for (; count < 7; ++count) {
      const auto colon = rest.find(':');
      fields[count] = rest.substr(0, colon);
      if (colon == std::string_view::npos) {
        ++count;
        break;
      }
      rest.remove_prefix(colon + 1);
    }
    uint32_t uid = 0;
    if (count != 7 || fields[0].empty() || !text::to_unsigned(fields[2], uid)) {
      return fail("passwd line {}: expected name:password:uid:gid:gecos:home:shell", line_number);
    }
    if (range.contains(uid)) users.push_back(UserRef{uid, std::string(fields[0])});
  }
  return users;
}

UserSource passwd_users(std::string passwd_path, UidRange range) {
  return [passwd_path = std::move(passwd_path), range]() -> Result<std::vector<UserRef>> {
    auto text = read_file(passwd_path, 64u << 20);
    if (!text) return std::move(text).error();
    auto users = parse_passwd(*text, range);
    if (!users) return context(std::move(users).error(), "{}", passwd_path);
    return users;
  };
}

Result<std::string> expand_user_template(std::string_view pattern, const UserRef& user) {
  if (user.name.empty() || user.name.find('/') != std::string::npos || user.name == "." || user.name == "..") {
    return fail("user name \"{}\" cannot be part of a path", user.name);
  }
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      out += pattern[i];
      continue;
    }
    const char what = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
    if (what == 'u') out += user.name;
    else if (what == 'U') out += std::to_string(user.uid);
    else if (what == '%') out += '%';
    else return fail("template \"{}\": unknown escape %{} (use %u, %U or %%)", pattern, what);
    ++i;
  }
  if (out.empty() || out.front() != '/') return fail("template \"{}\" does not give an absolute path", pattern);
  std::string_view rest = out;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    if (rest.substr(0, slash) == "..") return fail("template \"{}\" gives a path with \"..\"", pattern);
    rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
  }
  return out;
}

}  // namespace herd::collectors
