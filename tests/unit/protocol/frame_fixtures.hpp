#pragma once
// What the protocol decode tests share: an envelope as a CLI sends it, and
// random mutations of a valid frame (byte flips, insertions and cuts) that
// must each decode or fail cleanly, under ASan and UBSan in CI.

#include <cstddef>
#include <random>
#include <string>

#include "protocol/envelope.hpp"

namespace herd::protocol::test {

inline Envelope cli_envelope() {
  Envelope e;
  e.sender = "herd-cli";
  e.seq = 1;
  e.time_ms = 1;
  return e;
}

// One to four random edits of `base`.
inline std::string mutated(const std::string& base, std::mt19937& rng) {
  std::string bytes = base;
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < edits && !bytes.empty(); ++k) {
    const std::size_t at = rng() % bytes.size();
    switch (rng() % 3) {
      case 0: bytes[at] = static_cast<char>(rng() & 0xff); break;
      case 1: bytes.insert(at, 1, static_cast<char>(rng() & 0xff)); break;
      default: bytes.erase(at, 1 + rng() % 8); break;
    }
  }
  return bytes;
}

}  // namespace herd::protocol::test
