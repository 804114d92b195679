#pragma once
// Splits one console line into argv the way a shell would quote, without any
// expansion: words separated by blanks; '...' literal; "..." with \" and \\;
// a backslash outside quotes escapes the next character; '#' at the start of
// a word begins a comment. Pure, so hostile lines are tested without a tty.

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace herd::cli::console {

inline constexpr std::size_t kMaxLineBytes = 64 * 1024;
inline constexpr std::size_t kMaxWords = 4096;

// The words of `line`, or an error naming what is wrong and the column
// (1-based): an unclosed quote, a trailing backslash, a control character,
// a line longer than kMaxLineBytes or with more than kMaxWords words.
[[nodiscard]] Result<std::vector<std::string>> split_line(std::string_view line);

// For completion: the text before the cursor, split into the finished words
// and the word being typed (unquoted; "" right after a blank). An unclosed
// quote is allowed here: it belongs to the word being typed.
struct PartialLine {
  std::vector<std::string> words;
  std::string current;
  bool ok = true;  // false: a control character or an oversized line; offer nothing
};
[[nodiscard]] PartialLine split_partial(std::string_view before_cursor);

// One line of a script (piped stdin), without its "\n" (and "\r"): at most
// `max` bytes are kept, so a hostile stream without newlines cannot eat the
// memory; the rest of a longer line is read and dropped.
enum class LineRead { line, too_long, end };
[[nodiscard]] LineRead read_line(std::istream& in, std::string& line, std::size_t max = kMaxLineBytes);

}  // namespace herd::cli::console
