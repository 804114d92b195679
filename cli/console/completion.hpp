#pragma once
// Tab completion, pure: the text before the cursor, the command tree and the
// known node names in; the candidates for the word being typed out.

#include <string>
#include <string_view>
#include <vector>

#include "cli/console/command_tree.hpp"

namespace herd::cli::console {

struct Completion {
  std::string word;                     // the word being completed, as typed (unquoted)
  std::vector<std::string> candidates;  // sorted, unique, each starting with `word`
  bool wants_file = false;              // a file name goes here: let the file completer answer
  bool wants_nodes = false;             // a node name goes here (asked for only then: it costs a query)
};

[[nodiscard]] Completion complete(const CommandNode& root, std::string_view before_cursor,
                                  const std::vector<std::string>& node_names);

// For a first word that is no command: the nearest command words (at most
// two edits away; "stauts" -> {"status"}), for "did you mean".
[[nodiscard]] std::vector<std::string> nearest_commands(const CommandNode& root, const std::string& word);

// The longest prefix all candidates share (what Tab can insert at once).
[[nodiscard]] std::string common_prefix(const std::vector<std::string>& candidates);

}  // namespace herd::cli::console
