#pragma once
// Where the console keeps its history across runs, and writing it safely:
// $XDG_STATE_HOME/herd/console_history, else ~/.local/state/herd/..., mode
// 0600 in a 0700 directory, replaced atomically so a crash leaves the old or
// the new file, never half of one.

#include <optional>
#include <string>

#include "common/result.hpp"

namespace herd::cli::console {

inline constexpr int kHistoryEntries = 1000;

// Pure: from the two variables (null or empty: unset). No answer without either.
[[nodiscard]] std::optional<std::string> history_path(const char* xdg_state_home, const char* home);

// Creates the file's directory (0700) if it is missing.
[[nodiscard]] Status prepare_history_dir(const std::string& path);

}  // namespace herd::cli::console
