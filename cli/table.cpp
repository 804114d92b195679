#include "cli/table.hpp"

#include <algorithm>
#include <cstdlib>
#include <unistd.h>

namespace herd::cli {
namespace {

std::string_view code(Colour c) {
  switch (c) {
    case Colour::green: return "\033[32m";
    case Colour::red: return "\033[1;31m";
    case Colour::yellow: return "\033[33m";
    case Colour::dim: return "\033[2m";
    case Colour::none: return "";
  }
  return "";
}

}  // namespace

std::string Table::render(bool colour) const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t i = 0; i < headers_.size(); ++i) widths[i] = headers_[i].size();
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].text.size());
  }
  std::string out;
  const auto line = [&](const std::vector<Cell>& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      const bool last = i + 1 == cells.size();
      const Cell& cell = cells[i];
      const bool paint = colour && cell.colour != Colour::none;
      if (paint) text += code(cell.colour);
      text += cell.text;
      if (paint) text += "\033[0m";
      if (!last) text += std::string(widths[i] - cell.text.size() + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  std::vector<Cell> header;
  for (const auto& h : headers_) header.push_back({h, Colour::none});
  line(header);
  for (const auto& row : rows_) line(row);
  return out;
}

bool stdout_wants_colour() {
  const char* no_colour = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) == 1 && (no_colour == nullptr || *no_colour == '\0');
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  return out;
}

}  // namespace herd::cli
