#pragma once
// Captured real samples in tests/unit/collectors/data/ (from a Debian 12
// host; the netlink ones from a veth pair in a fresh network namespace).

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace herd::collectors::test {

inline std::string sample(const std::string& name) {
  std::ifstream in(std::string(HERD_SOURCE_DIR) + "/tests/unit/collectors/data/" + name);
  if (!in) throw std::runtime_error("missing sample " + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A .hex sample (one line of hex digits) as bytes.
inline std::vector<uint8_t> hex_sample(const std::string& name) {
  const std::string text = sample(name);
  std::vector<uint8_t> bytes;
  for (std::size_t i = 0; i + 1 < text.size() && text[i] != '\n'; i += 2) {
    bytes.push_back(static_cast<uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

}  // namespace herd::collectors::test
