#include "cli/console/line_split.hpp"

#include <optional>

namespace herd::cli::console {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_control(char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f; }

struct Splitter {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;             // '\'' or '"' while inside quotes
  std::size_t quote_column = 0;
  bool escaped_at_end = false;
  std::optional<Error> error;

  void finish_word() {
    if (in_word) words.push_back(std::move(word));
    word.clear();
    in_word = false;
  }

  // Stops at the first error; a comment ends the walk early.
  void run(std::string_view line) {
    if (line.size() > kMaxLineBytes) {
      error = fail("line too long ({} bytes; at most {})", line.size(), kMaxLineBytes);
      return;
    }
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (is_control(c)) {
        error = fail("control character 0x{:02x} at column {}", static_cast<unsigned char>(c), i + 1);
        return;
      }
      if (quote == '\'') {
        if (c == '\'') quote = 0; else word += c;
        continue;
      }
      if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
          word += line[++i];
        } else {
          word += c;
        }
        continue;
      }
      if (is_blank(c)) {
        finish_word();
        continue;
      }
      if (c == '#' && !in_word) return;  // a comment runs to the end of the line
      in_word = true;
      if (c == '\'' || c == '"') {
        quote = c;
        quote_column = i + 1;
      } else if (c == '\\') {
        if (i + 1 == line.size()) {
          escaped_at_end = true;
          return;
        }
        const char next = line[++i];
        if (is_control(next)) {
          error = fail("control character 0x{:02x} at column {}", static_cast<unsigned char>(next), i + 1);
          return;
        }
        word += next;
      } else {
        word += c;
      }
      if (words.size() >= kMaxWords) {
        error = fail("too many words (at most {})", kMaxWords);
        return;
      }
    }
  }
};

}  // namespace

Result<std::vector<std::string>> split_line(std::string_view line) {
  Splitter s;
  s.run(line);
  if (s.error) return std::move(*s.error);
  if (s.quote != 0) {
    return fail("unclosed {} quote (opened at column {})", s.quote == '"' ? "double" : "single", s.quote_column);
  }
  if (s.escaped_at_end) return fail("line ends with a backslash");
  s.finish_word();
  return std::move(s.words);
}

PartialLine split_partial(std::string_view before_cursor) {
  Splitter s;
  s.run(before_cursor);
  PartialLine out;
  if (s.error) {
    out.ok = false;
    return out;
  }
  out.words = std::move(s.words);
  out.current = std::move(s.word);
  return out;
}

LineRead read_line(std::istream& in, std::string& line, std::size_t max) {
  line.clear();
  bool any = false;
  bool too_long = false;
  for (int c = in.get(); c != std::char_traits<char>::eof(); c = in.get()) {
    any = true;
    if (c == '\n') break;
    if (line.size() < max) {
      line += static_cast<char>(c);
    } else {
      too_long = true;
    }
  }
  if (!any) return LineRead::end;
  if (!line.empty() && line.back() == '\r') line.pop_back();  // a script saved with CRLF
  return too_long ? LineRead::too_long : LineRead::line;
}

}  // namespace herd::cli::console
