#pragma once
// A deterministic directory of the shape SPEC §10 measures: N users, G
// groups, K ed25519 keys per user, every user in its primary group and two
// more. The same generator feeds the C++ benchmarks and, as YAML, the
// useradd comparison script, so both apply the very same users.

#include <cstdint>
#include <string>

#include "protocol/directory_model.hpp"

namespace herd::bench {

struct Shape {
  uint32_t users = 10'000;
  uint32_t groups = 1'000;
  uint32_t keys_per_user = 2;
};

[[nodiscard]] protocol::DirectoryUser synthetic_user(uint32_t i, const Shape& shape);
[[nodiscard]] protocol::Directory synthetic_directory(const Shape& shape);
[[nodiscard]] std::string to_yaml(const protocol::Directory& d);

// A root like a freshly installed Debian node's: base /etc files, no users.
void make_base_root(const std::string& root);

}  // namespace herd::bench
