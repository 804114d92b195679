#pragma once
// The character-level rules every directory field obeys. Each returns an
// empty string when the value is fine, else what is wrong with it (without
// the field name, which the caller knows).

#include <string>
#include <string_view>

namespace herd::directory {

// `[a-z_][a-z0-9_-]*`, 1 to 32 characters: what useradd accepts by default,
// and what makes %u in a path template safe (no "/", no ".").
[[nodiscard]] std::string name_problem(std::string_view name);

// No newline or other control character: each would break the line format of
// /etc files or inject a second authorized_keys line.
[[nodiscard]] std::string control_problem(std::string_view value);

// A field of an /etc file: no control character and no ':' (the separator).
[[nodiscard]] std::string etc_field_problem(std::string_view value);

// Absolute, with no empty, "." or ".." component: a path that says where it
// is, so nothing built on it can climb out of where it points.
[[nodiscard]] std::string absolute_path_problem(std::string_view path);

}  // namespace herd::directory
