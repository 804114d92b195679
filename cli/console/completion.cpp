#include "cli/console/completion.hpp"

#include <algorithm>

#include "cli/console/line_split.hpp"

namespace herd::cli::console {
namespace {

const OptionInfo* find_option(const CommandNode& node, std::string_view word) {
  // --name=value carries its value inside the word.
  const std::string_view name = word.substr(0, word.find('='));
  for (const auto& option : node.options) {
    for (const auto& n : option.names) {
      if (n == name) return &option;
    }
  }
  return nullptr;
}

const CommandNode* find_child(const CommandNode& node, const std::string& word) {
  for (const auto& child : node.children) {
    if (child.name == word) return &child;
  }
  return nullptr;
}

// The positional the next plain word fills, after `filled` plain words.
const PositionalInfo* positional_at(const CommandNode& node, std::size_t filled) {
  for (const auto& p : node.positionals) {
    if (p.repeats || filled == 0) return &p;
    --filled;
  }
  return nullptr;
}

void offer(Completion& out, ArgumentKind kind, const std::vector<std::string>& node_names) {
  if (kind == ArgumentKind::node) {
    out.wants_nodes = true;
    for (const auto& n : node_names) out.candidates.push_back(n);
  } else if (kind == ArgumentKind::file) {
    out.wants_file = true;
  }
}

}  // namespace

ArgumentKind kind_of_argument(const std::string& name, const std::string& type_name) {
  std::string bare = name;
  while (!bare.empty() && bare.front() == '-') bare.erase(0, 1);
  if (bare == "node" || bare == "nodes" || type_name.find("NODE") != std::string::npos) return ArgumentKind::node;
  if (bare == "file" || bare == "config" || type_name.find("FILE") != std::string::npos ||
      type_name.find("PATH") != std::string::npos) {
    return ArgumentKind::file;
  }
  return ArgumentKind::other;
}

Completion complete(const CommandNode& root, std::string_view before_cursor,
                    const std::vector<std::string>& node_names) {
  Completion out;
  PartialLine line = split_partial(before_cursor);
  if (!line.ok) return out;
  out.word = line.current;

  // Walk the finished words down the tree.
  const CommandNode* node = &root;
  const OptionInfo* awaiting_value = nullptr;
  std::size_t plain_words = 0;
  for (const auto& word : line.words) {
    if (awaiting_value != nullptr) {
      awaiting_value = nullptr;
      continue;
    }
    if (word.size() > 1 && word.front() == '-') {
      const OptionInfo* option = find_option(*node, word);
      if (option == nullptr && node != &root) option = find_option(root, word);  // global options
      if (option != nullptr && option->takes_value && word.find('=') == std::string::npos) awaiting_value = option;
      continue;
    }
    if (plain_words == 0) {
      if (const CommandNode* child = find_child(*node, word)) {
        node = child;
        continue;
      }
    }
    ++plain_words;
  }

  if (awaiting_value != nullptr) {
    offer(out, awaiting_value->kind, node_names);
  } else if (!out.word.empty() && out.word.front() == '-') {
    for (const auto& option : node->options) {
      for (const auto& n : option.names) {
        if (n.size() > 2 && n[1] == '-') out.candidates.push_back(n);  // long names only: short ones need no help
      }
    }
  } else {
    if (plain_words == 0) {
      for (const auto& child : node->children) out.candidates.push_back(child.name);
    }
    if (const PositionalInfo* p = positional_at(*node, plain_words)) offer(out, p->kind, node_names);
  }

  std::erase_if(out.candidates, [&](const std::string& c) { return !c.starts_with(out.word); });
  std::sort(out.candidates.begin(), out.candidates.end());
  out.candidates.erase(std::unique(out.candidates.begin(), out.candidates.end()), out.candidates.end());
  return out;
}

namespace {

// Optimal string alignment distance (a swap of neighbours is one edit: the
// commonest typo), capped: words longer than the cap are never near.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  if (a.size() > 64 || b.size() > 64) return 1000;
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::vector<std::string> nearest_commands(const CommandNode& root, const std::string& word) {
  std::vector<std::string> out;
  std::size_t best = 3;  // more than two edits away is another word
  for (const auto& child : root.children) {
    const std::size_t d = edit_distance(word, child.name);
    if (d < best) {
      best = d;
      out.clear();
    }
    if (d == best) out.push_back(child.name);
  }
  return out;
}

std::string common_prefix(const std::vector<std::string>& candidates) {
  if (candidates.empty()) return "";
  std::string prefix = candidates.front();
  for (const auto& c : candidates) {
    std::size_t n = 0;
    while (n < prefix.size() && n < c.size() && prefix[n] == c[n]) ++n;
    prefix.resize(n);
  }
  return prefix;
}

}  // namespace herd::cli::console
