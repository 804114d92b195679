#include "cli/table.hpp"

#include <gtest/gtest.h>

namespace herd::cli {
namespace {

TEST(Table, AlignsColumnsAndTrimsTrailingSpace) {
  Table t({"A", "LONGER"});
  t.add_row({{"xxxx"}, {"y"}});
  t.add_row({{"z"}, {""}});
  EXPECT_EQ(t.render(false), "A     LONGER\nxxxx  y\nz\n");
}

TEST(Table, ColourCodesDoNotBreakAlignment) {
  Table t({"S", "N"});
  t.add_row({{"up", Colour::green}, {"1"}});
  t.add_row({{"down", Colour::red}, {"2"}});
  EXPECT_EQ(t.render(true), "S     N\n\033[32mup\033[0m    1\n\033[1;31mdown\033[0m  2\n");
}

TEST(Printable, ReplacesControlCharacters) {
  EXPECT_EQ(printable("a\nb\033c\x7f"), "a?b?c?");
  EXPECT_EQ(printable("plain"), "plain");
}

}  // namespace
}  // namespace herd::cli
