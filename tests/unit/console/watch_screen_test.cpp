#include "cli/console/watch_screen.hpp"

#include <gtest/gtest.h>

#include "common/time_format.hpp"

namespace herd::cli::console {
namespace {

const WallTime kNow = *parse_rfc3339("2026-11-23T22:00:00Z");

std::size_t count_lines(const std::string& s) {
  std::size_t n = 0;
  for (std::size_t i = s.find("\r\n"); i != std::string::npos; i = s.find("\r\n", i + 2)) ++n;
  return n;
}

TEST(ClipLine, CutsAtVisibleColumns) {
  EXPECT_EQ(clip_line("abcdef", 3), "abc");
  EXPECT_EQ(clip_line("abc", 10), "abc");
  EXPECT_EQ(clip_line("abc", 0), "");
}

TEST(ClipLine, ColourSequencesTakeNoColumnsAndAreResetWhenCut) {
  EXPECT_EQ(clip_line("\x1b[32mup\x1b[0m", 2), "\x1b[32mup\x1b[0m");
  EXPECT_EQ(clip_line("\x1b[32mupward\x1b[0m", 2), "\x1b[32mup\x1b[0m");
  EXPECT_EQ(clip_line("\x1b[3", 5), "\x1b[3");  // a truncated sequence stays whole, no overrun
}

TEST(ClipLine, Utf8CharactersTakeOneColumn) { EXPECT_EQ(clip_line("nœud-1", 3), "nœu"); }

TEST(WatchScreen, HeaderThenBodyInRawTerminalLines) {
  const std::string s = watch_screen("NAME STATE\nn1   up\n", std::chrono::seconds{2}, kNow, 24, 80);
  EXPECT_EQ(s,
            "herd watch, every 2.0s (2026-11-23T22:00:00.000Z); press any key to return\r\n"
            "NAME STATE\r\nn1   up\r\n");
}

TEST(WatchScreen, TooManyLinesSaySoAndFitTheRows) {
  std::string body;
  for (int i = 0; i < 100; ++i) body += "node-" + std::to_string(i) + "\n";
  const std::string s = watch_screen(body, std::chrono::seconds{1}, kNow, 10, 80);
  EXPECT_EQ(count_lines(s), 10U);
  EXPECT_NE(s.find("... 92 more lines (enlarge the terminal)"), std::string::npos) << s;
}

TEST(WatchScreen, TinyTerminalsStillGetTheHeader) {
  EXPECT_EQ(count_lines(watch_screen("a\nb\n", std::chrono::seconds{1}, kNow, 1, 5)), 1U);
  EXPECT_EQ(watch_screen("a\n", std::chrono::seconds{1}, kNow, 0, 4), "herd\r\n");
}

}  // namespace
}  // namespace herd::cli::console
