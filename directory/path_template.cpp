#include "directory/path_template.hpp"

#include <fmt/format.h>

#include "directory/text_rules.hpp"

namespace herd::directory {

std::string template_problem(std::string_view tmpl) {
  bool per_user = false;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '%') continue;
    const char next = i + 1 < tmpl.size() ? tmpl[i + 1] : '\0';
    if (next == 'u' || next == 'U') {
      per_user = true;
    } else if (next != '%') {
      return fmt::format("has an unknown placeholder \"%{}\" at offset {} (only %u, %U and %% exist)",
                         next == '\0' ? std::string{} : std::string(1, next), i);
    }
    ++i;
  }
  if (auto p = absolute_path_problem(tmpl); !p.empty()) {
    return p + "; %u and %U expand only to validated names and uids, so the template alone decides where paths go";
  }
  if (!per_user) return "contains neither %u nor %U, so every user would share one path";
  // A placeholder in the first component ("/%u") would let a user named
  // "usr" or "etc" claim a top-level system directory.
  const std::size_t second_slash = tmpl.find('/', 1);
  const std::size_t first_placeholder = tmpl.find('%');
  if (second_slash == std::string_view::npos || first_placeholder < second_slash) {
    return "puts a placeholder in its first component; name a base directory first (e.g. /scratch/%u)";
  }
  return {};
}

std::string expand_template(std::string_view tmpl, std::string_view name, uint32_t uid) {
  std::string out;
  out.reserve(tmpl.size() + name.size());
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '%' && i + 1 < tmpl.size()) {
      const char next = tmpl[++i];
      if (next == 'u') out += name;
      else if (next == 'U') out += std::to_string(uid);
      else out += next;
    } else {
      out += tmpl[i];
    }
  }
  return out;
}

}  // namespace herd::directory
