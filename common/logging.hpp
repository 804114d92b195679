#pragma once
// Diagnostics go through spdlog: to stderr, or to the journal with structured
// fields when the daemon runs under systemd. Logs say what the daemon did;
// never a secret (no keys, no password hashes).

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace herd {

// Installs the default logger named `name` at `level` ("trace".."off").
[[nodiscard]] Status setup_logging(std::string_view name, std::string_view level);

}  // namespace herd
