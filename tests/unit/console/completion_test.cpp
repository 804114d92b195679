#include "cli/console/completion.hpp"

#include <gtest/gtest.h>

#include "cli/console/command_tree_cli11.hpp"
#include "cli/console/line_split.hpp"

namespace herd::cli::console {
namespace {

using Words = std::vector<std::string>;

// A small CLI declared the way cli/main.cpp declares the real one, so the
// tree comes through command_tree_from as in the console.
class CompletionTest : public ::testing::Test {
 protected:
  CompletionTest() {
    app.add_option("-c,--config", config, "config file");
    auto* status = app.add_subcommand("status", "nodes");
    status->add_option("nodes", nodes, "only these nodes");
    status->add_flag("--json", flag, "json");
    auto* events = app.add_subcommand("events", "log");
    events->add_option("--node", node, "only this node");
    events->add_option("--since", since, "since");
    events->add_flag("--json", flag, "json");
    auto* node_cmd = app.add_subcommand("node", "one node");
    node_cmd->add_subcommand("show", "detail")->add_option("node", node, "the node")->required();
    auto* directory = app.add_subcommand("directory", "users");
    directory->add_subcommand("apply", "apply")->add_option("file", file, "file")->required();
    directory->add_subcommand("diff", "diff")->add_option("file", file, "file")->required();
    tree = command_tree_from(app);
  }

  Completion at(std::string_view line) { return complete(tree, line, names); }

  CLI::App app{"test"};
  std::string config, node, since, file;
  std::vector<std::string> nodes;
  bool flag = false;
  CommandNode tree;
  Words names{"n1", "n2", "gpu-1"};
};

TEST_F(CompletionTest, TreeHasEveryCommandOptionAndPositional) {
  ASSERT_EQ(tree.children.size(), 4U);
  const CommandNode& status = tree.children[0];
  EXPECT_EQ(status.name, "status");
  ASSERT_EQ(status.positionals.size(), 1U);
  EXPECT_TRUE(status.positionals[0].repeats);
  EXPECT_EQ(status.positionals[0].kind, ArgumentKind::node);
  const CommandNode& show = tree.children[2].children[0];
  EXPECT_EQ(show.name, "show");
  EXPECT_FALSE(show.positionals[0].repeats);
}

TEST_F(CompletionTest, CommandWords) {
  EXPECT_EQ(at("").candidates, (Words{"directory", "events", "node", "status"}));
  EXPECT_EQ(at("st").candidates, (Words{"status"}));
  EXPECT_EQ(at("st").word, "st");
  EXPECT_EQ(at("zz").candidates, Words{});
}

TEST_F(CompletionTest, Subcommands) {
  EXPECT_EQ(at("node ").candidates, (Words{"show"}));
  EXPECT_EQ(at("directory d").candidates, (Words{"diff"}));
  EXPECT_EQ(at("  directory   ").candidates, (Words{"apply", "diff"}));
}

TEST_F(CompletionTest, OptionsOfTheCommandBeingTyped) {
  EXPECT_EQ(at("events --").candidates, (Words{"--help", "--json", "--node", "--since"}));
  EXPECT_EQ(at("events --s").candidates, (Words{"--since"}));
  EXPECT_EQ(at("--c").candidates, (Words{"--config"}));
}

TEST_F(CompletionTest, NodeNamesWhereANodeGoes) {
  EXPECT_EQ(at("node show ").candidates, (Words{"gpu-1", "n1", "n2"}));
  EXPECT_EQ(at("node show g").candidates, (Words{"gpu-1"}));
  EXPECT_EQ(at("node show n1 ").candidates, Words{});  // only one node there
  EXPECT_EQ(at("status n1 n").candidates, (Words{"n1", "n2"}));  // status takes many
  EXPECT_EQ(at("events --node ").candidates, (Words{"gpu-1", "n1", "n2"}));
  EXPECT_EQ(at("events --json --node n").candidates, (Words{"n1", "n2"}));
  EXPECT_EQ(at("events --since 2h ").candidates, Words{});  // --since's value was consumed
}

TEST_F(CompletionTest, SaysWhenNodeNamesAreWanted) {
  EXPECT_TRUE(complete(tree, "node show ", {}).wants_nodes);
  EXPECT_TRUE(complete(tree, "events --node ", {}).wants_nodes);
  EXPECT_FALSE(complete(tree, "node ", {}).wants_nodes);
  EXPECT_FALSE(complete(tree, "events --since ", {}).wants_nodes);
}

TEST_F(CompletionTest, CommandWordsAndNodesMixWhereBothFit) {
  // `status ` could be followed by a node: no subcommand there, so nodes only.
  EXPECT_EQ(at("status ").candidates, (Words{"gpu-1", "n1", "n2"}));
}

TEST_F(CompletionTest, FileArgumentsAskForFileCompletion) {
  EXPECT_TRUE(at("directory apply ").wants_file);
  EXPECT_TRUE(at("-c ").wants_file);
  EXPECT_FALSE(at("node show ").wants_file);
}

TEST_F(CompletionTest, HostileInputOffersNothing) {
  EXPECT_EQ(at("node show \x01").candidates, Words{});
  EXPECT_EQ(at(std::string(kMaxLineBytes + 1, 'x')).candidates, Words{});
  EXPECT_EQ(at("node show 'n").candidates, (Words{"n1", "n2"}));  // inside an open quote
}

TEST_F(CompletionTest, NearestCommandsForTypos) {
  EXPECT_EQ(nearest_commands(tree, "stauts"), (Words{"status"}));   // swapped letters
  EXPECT_EQ(nearest_commands(tree, "evnts"), (Words{"events"}));    // a letter left out
  EXPECT_EQ(nearest_commands(tree, "nod"), (Words{"node"}));
  EXPECT_EQ(nearest_commands(tree, "frobnicate"), Words{});
  EXPECT_EQ(nearest_commands(tree, std::string(10000, 's')), Words{});  // huge words: no quadratic work
}

TEST(CommonPrefix, LongestSharedStart) {
  EXPECT_EQ(common_prefix({"node-1", "node-2", "node-10"}), "node-");
  EXPECT_EQ(common_prefix({"a", "b"}), "");
  EXPECT_EQ(common_prefix({}), "");
  EXPECT_EQ(common_prefix({"only"}), "only");
}

TEST(KindOfArgument, ByNameOrTypeName) {
  EXPECT_EQ(kind_of_argument("nodes", ""), ArgumentKind::node);
  EXPECT_EQ(kind_of_argument("--node", ""), ArgumentKind::node);
  EXPECT_EQ(kind_of_argument("target", "NODE"), ArgumentKind::node);
  EXPECT_EQ(kind_of_argument("file", "TEXT"), ArgumentKind::file);
  EXPECT_EQ(kind_of_argument("--reason", "TEXT"), ArgumentKind::other);
}

}  // namespace
}  // namespace herd::cli::console
