#pragma once
// An open-addressing hash table from keys (names, ids, hashes) to the first
// position each was added at. Validation and planning index every name and id
// of a 10,000-user directory on every apply; std::unordered_map would allocate
// a node per entry and chase a pointer per lookup, this table does neither.
// Keys are stored as given: string_views must outlive the index.

#include <cstdint>
#include <string_view>
#include <vector>

#include "directory/record_hash.hpp"

namespace herd::directory {

inline uint64_t hash_key(std::string_view key) {
  Hasher h;
  h.add(key);
  return h.value();
}
inline uint64_t hash_key(uint64_t key) {
  Hasher h;
  h.add(key);
  return h.value();
}

template <typename Key>
class FirstIndex {
 public:
  static constexpr uint32_t npos = UINT32_MAX;

  FirstIndex() = default;
  explicit FirstIndex(std::size_t expected) { reserve(expected); }

  // Keeps the capacity: an index reused across applies allocates once.
  void clear() {
    for (Slot& s : slots_) s.pos = npos;
    size_ = 0;
  }

  void reserve(std::size_t expected) {
    std::size_t capacity = 16;
    while (capacity < expected * 2) capacity *= 2;  // at most half full: short probes
    if (capacity > slots_.size()) rehash(capacity);
  }

  // Adds `key` at `pos` unless it is there; returns the position it had
  // first (`pos` when it is new).
  uint32_t add(const Key& key, uint32_t pos) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    Slot& s = probe(key);
    if (s.pos == npos) {
      s = {key, pos};
      ++size_;
    }
    return s.pos;
  }

  [[nodiscard]] uint32_t find(const Key& key) const {
    return const_cast<FirstIndex*>(this)->probe(key).pos;
  }
  [[nodiscard]] bool contains(const Key& key) const { return find(key) != npos; }
  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  struct Slot {
    Key key{};
    uint32_t pos = npos;
  };

  Slot& probe(const Key& key) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash_key(key) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.pos == npos || s.key == key) return s;
    }
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    size_ = 0;
    for (const Slot& s : old) {
      if (s.pos != npos) add(s.key, s.pos);
    }
  }

  std::vector<Slot> slots_ = std::vector<Slot>(16);
  std::size_t size_ = 0;
};

}  // namespace herd::directory
