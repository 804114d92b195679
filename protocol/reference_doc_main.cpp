#include <cstdio>

#include "protocol/reference_doc.hpp"

int main() {
  const std::string text = herd::protocol::message_reference_markdown();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
