#include "cli/console/line_split.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace herd::cli::console {
namespace {

using Words = std::vector<std::string>;

Words split_ok(std::string_view line) {
  auto r = split_line(line);
  EXPECT_TRUE(r.ok()) << line << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Words{};
}

std::string split_error(std::string_view line) {
  auto r = split_line(line);
  EXPECT_FALSE(r.ok()) << line;
  return r.ok() ? "" : r.error().message;
}

TEST(LineSplit, SplitsOnBlanksAndTabs) {
  EXPECT_EQ(split_ok("  node   show\tn1  "), (Words{"node", "show", "n1"}));
  EXPECT_EQ(split_ok(""), Words{});
  EXPECT_EQ(split_ok("   \t "), Words{});
}

TEST(LineSplit, QuotesKeepBlanksAndAreRemoved) {
  EXPECT_EQ(split_ok("maintenance on n1 --reason 'disk swap, rack 3'"),
            (Words{"maintenance", "on", "n1", "--reason", "disk swap, rack 3"}));
  EXPECT_EQ(split_ok(R"(a "b \"c\" \\ d" e)"), (Words{"a", R"(b "c" \ d)", "e"}));
  EXPECT_EQ(split_ok(R"('it'"'"'s')"), (Words{"it's"}));  // quotes join into one word
  EXPECT_EQ(split_ok("x '' y"), (Words{"x", "", "y"}));    // an empty quoted word is a word
  EXPECT_EQ(split_ok(R"('a\b')"), (Words{R"(a\b)"}));      // no escapes inside single quotes
}

TEST(LineSplit, BackslashEscapesOutsideQuotes) {
  EXPECT_EQ(split_ok(R"(a\ b c\'d)"), (Words{"a b", "c'd"}));
}

TEST(LineSplit, CommentRunsToEndOfLine) {
  EXPECT_EQ(split_ok("status # all of them"), (Words{"status"}));
  EXPECT_EQ(split_ok("# only a comment"), Words{});
  EXPECT_EQ(split_ok("a#b"), (Words{"a#b"}));  // only at the start of a word
}

TEST(LineSplit, UnclosedQuoteNamesQuoteAndColumn) {
  EXPECT_EQ(split_error("node show 'n1"), "unclosed single quote (opened at column 11)");
  EXPECT_EQ(split_error(R"(x "abc \")"), "unclosed double quote (opened at column 3)");
  EXPECT_EQ(split_error("'"), "unclosed single quote (opened at column 1)");
}

TEST(LineSplit, TrailingBackslashIsAnError) { EXPECT_EQ(split_error("status \\"), "line ends with a backslash"); }

TEST(LineSplit, ControlCharactersAreRefusedWithTheirColumn) {
  EXPECT_EQ(split_error(std::string("status \x1b[2J")), "control character 0x1b at column 8");
  EXPECT_EQ(split_error(std::string("a\0b", 3)), "control character 0x00 at column 2");
  EXPECT_EQ(split_error("'a\nb'"), "control character 0x0a at column 3");
  EXPECT_EQ(split_error("a\\\x7f"), "control character 0x7f at column 3");
}

TEST(LineSplit, HugeLinesAndTooManyWordsAreRefused) {
  EXPECT_EQ(split_error(std::string(kMaxLineBytes + 1, 'a')), "line too long (65537 bytes; at most 65536)");
  std::string many;
  for (std::size_t i = 0; i <= kMaxWords; ++i) many += "w ";
  EXPECT_EQ(split_error(many), "too many words (at most 4096)");
  EXPECT_EQ(split_ok(std::string(kMaxLineBytes, 'a')).front().size(), kMaxLineBytes);
}

TEST(LineSplit, UnicodeWordsPassThrough) { EXPECT_EQ(split_ok("node show nœud-1"), (Words{"node", "show", "nœud-1"})); }

TEST(SplitPartial, SeparatesFinishedWordsFromTheOneBeingTyped) {
  auto p = split_partial("node sh");
  EXPECT_TRUE(p.ok);
  EXPECT_EQ(p.words, (Words{"node"}));
  EXPECT_EQ(p.current, "sh");
  p = split_partial("node show ");
  EXPECT_EQ(p.words, (Words{"node", "show"}));
  EXPECT_EQ(p.current, "");
  p = split_partial("x --reason 'two wo");  // an open quote belongs to the current word
  EXPECT_EQ(p.words, (Words{"x", "--reason"}));
  EXPECT_EQ(p.current, "two wo");
  EXPECT_FALSE(split_partial("a\x01").ok);
}

TEST(ReadLine, LinesWithoutNewlineOrCarriageReturn) {
  std::istringstream in("status\r\nnode show a\nlast");
  std::string line;
  EXPECT_EQ(read_line(in, line), LineRead::line);
  EXPECT_EQ(line, "status");
  EXPECT_EQ(read_line(in, line), LineRead::line);
  EXPECT_EQ(line, "node show a");
  EXPECT_EQ(read_line(in, line), LineRead::line);  // no final newline: still a line
  EXPECT_EQ(line, "last");
  EXPECT_EQ(read_line(in, line), LineRead::end);
}

TEST(ReadLine, OversizedLineIsCutAndTheNextOneIsIntact) {
  std::istringstream in(std::string(1000, 'x') + "\nstatus\n\n");
  std::string line;
  EXPECT_EQ(read_line(in, line, 100), LineRead::too_long);
  EXPECT_EQ(line.size(), 100U);  // memory bounded
  EXPECT_EQ(read_line(in, line, 100), LineRead::line);
  EXPECT_EQ(line, "status");
  EXPECT_EQ(read_line(in, line, 100), LineRead::line);  // an empty line is a line
  EXPECT_EQ(line, "");
  EXPECT_EQ(read_line(in, line, 100), LineRead::end);
}

}  // namespace
}  // namespace herd::cli::console
