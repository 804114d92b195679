#include "cli/console/watch_screen.hpp"

#include <vector>

#include <fmt/format.h>

#include "common/duration.hpp"
#include "common/time_format.hpp"

namespace herd::cli::console {

std::string clip_line(std::string_view line, std::size_t columns) {
  std::string out;
  std::size_t visible = 0;
  bool coloured = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b') {  // CSI sequence: ESC [ ... final byte
      const std::size_t start = i;
      ++i;
      if (i < line.size() && line[i] == '[') {
        ++i;
        while (i < line.size() && (static_cast<unsigned char>(line[i]) < 0x40 || static_cast<unsigned char>(line[i]) > 0x7e)) ++i;
      }
      out.append(line.substr(start, i - start + (i < line.size() ? 1 : 0)));
      coloured = true;
      continue;
    }
    // A UTF-8 continuation byte takes no column of its own.
    const bool continuation = (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80;
    if (!continuation) {
      if (visible == columns) {
        if (coloured) out += "\x1b[0m";
        return out;
      }
      ++visible;
    }
    out += line[i];
  }
  return out;
}

std::string watch_screen(std::string_view body, std::chrono::milliseconds interval, WallTime now, std::size_t rows,
                         std::size_t columns) {
  std::vector<std::string_view> lines;
  while (!body.empty()) {
    const auto nl = body.find('\n');
    lines.push_back(body.substr(0, nl));
    body = nl == std::string_view::npos ? std::string_view{} : body.substr(nl + 1);
  }
  const std::string header =
      fmt::format("herd watch, every {} ({}); press any key to return", format_duration(interval), format_rfc3339(now));
  std::string out = clip_line(header, columns) + "\r\n";
  const std::size_t room = rows > 1 ? rows - 1 : 0;
  const bool overflow = lines.size() > room;
  const std::size_t shown = overflow ? (room > 0 ? room - 1 : 0) : lines.size();
  for (std::size_t i = 0; i < shown; ++i) out += clip_line(lines[i], columns) + "\r\n";
  if (overflow && room > 0) {
    out += clip_line(fmt::format("... {} more lines (enlarge the terminal)", lines.size() - shown), columns) + "\r\n";
  }
  return out;
}

}  // namespace herd::cli::console
