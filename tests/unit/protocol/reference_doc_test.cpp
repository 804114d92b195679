#include "protocol/reference_doc.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace herd::protocol {
namespace {

// docs/protocol.md carries the generated reference between two markers; it
// must match what the code defines (scripts/gen-protocol-doc rewrites it).
TEST(ReferenceDoc, DocsProtocolMdMatchesTheMessageDefinitions) {
  std::ifstream in(std::string(HERD_SOURCE_DIR) + "/docs/protocol.md");
  ASSERT_TRUE(in) << "docs/protocol.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string begin = "<!-- BEGIN GENERATED MESSAGE REFERENCE -->\n";
  const std::string end = "<!-- END GENERATED MESSAGE REFERENCE -->";
  const auto b = doc.find(begin);
  const auto e = doc.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  const std::string section = doc.substr(b + begin.size(), e - b - begin.size());
  EXPECT_EQ(section, message_reference_markdown())
      << "docs/protocol.md is out of date: run scripts/gen-protocol-doc";
}

TEST(ReferenceDoc, DocumentsEveryFieldWithTypeAndPresence) {
  const std::string ref = message_reference_markdown();
  EXPECT_NE(ref.find("| `load` | array of 3 float | required |"), std::string::npos);
  EXPECT_NE(ref.find("#### NodeStatus"), std::string::npos);
  EXPECT_NE(ref.find("| `state` | str: \"up\" \\| \"down\" | required |"), std::string::npos);
}

}  // namespace
}  // namespace herd::protocol
