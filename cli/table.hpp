#pragma once
// Plain-text tables with aligned columns; colour only when asked (the caller
// decides from isatty and NO_COLOR).

#include <string>
#include <string_view>
#include <vector>

namespace herd::cli {

enum class Colour { none, green, red, yellow, dim };

struct Cell {
  std::string text;
  Colour colour = Colour::none;
};

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add_row(std::vector<Cell> row) { rows_.push_back(std::move(row)); }
  [[nodiscard]] std::string render(bool colour) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<Cell>> rows_;
};

// Whether stdout should get colour: a terminal, and NO_COLOR not set.
[[nodiscard]] bool stdout_wants_colour();

// Removes control characters from text that came from elsewhere (a node's
// hostname) before it reaches a terminal.
[[nodiscard]] std::string printable(std::string_view text);

}  // namespace herd::cli
