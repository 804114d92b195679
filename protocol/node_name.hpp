#pragma once
// Node names travel in envelopes, key files, topics and file names, so they
// are restricted to what is safe in all of them: lowercase hostname
// characters, at most 63 bytes, starting with a letter or digit.

#include <string_view>

#include "common/result.hpp"

namespace herd::protocol {

inline constexpr std::size_t kMaxNodeName = 63;

[[nodiscard]] inline Status validate_node_name(std::string_view name) {
  if (name.empty()) return fail("node name is empty");
  if (name.size() > kMaxNodeName) return fail("node name is longer than {} characters", kMaxNodeName);
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front())) return fail("node name \"{}\" must start with a lowercase letter or digit", name);
  for (char c : name) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') {
      return fail("node name \"{}\" may only contain a-z, 0-9, '-', '_' and '.'", name);
    }
  }
  return {};
}

}  // namespace herd::protocol
