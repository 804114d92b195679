#pragma once
// The `watch` screen, pure: the status table (the same rendering as
// `herd status`, so every column it gains appears here too) fitted to the
// terminal's rows and columns.

#include <chrono>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace herd::cli::console {

// `line` cut to `columns` visible characters; ANSI colour sequences do not
// count, and a cut line ends with a colour reset so nothing bleeds.
[[nodiscard]] std::string clip_line(std::string_view line, std::size_t columns);

// The whole screen: a header line, then `body` (the status table, or why it
// could not be had), at most `rows` lines of at most `columns` each; a last
// line says how many were left out. Lines end in "\r\n" (raw terminal).
[[nodiscard]] std::string watch_screen(std::string_view body, std::chrono::milliseconds interval, WallTime now,
                                       std::size_t rows, std::size_t columns);

}  // namespace herd::cli::console
