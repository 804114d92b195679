#pragma once
// Fast, stable 64-bit hashes of directory records. An apply hashes every
// record of a 10,000-user directory on every revision (to recognise what
// changed), so this must cost well under a millisecond: it reads 16 bytes per
// multiply and feeds fields straight from the records, without encoding them.
//
// Stable across builds and runs of one machine (the state file keeps them);
// not meant to resist deliberate collisions: whoever writes the directory
// decides the node's users anyway.

#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/directory_model.hpp"

namespace herd::directory {

class Hasher {
 public:
  explicit Hasher(uint64_t seed = 0) : h_(seed) {}
  void add(uint64_t value);
  void add(std::string_view bytes);  // length-prefixed: ("ab","c") differs from ("a","bc")
  [[nodiscard]] uint64_t value() const;

 private:
  uint64_t h_;
};

// Every record of a directory, hashed once per apply.
struct RecordHashes {
  uint64_t settings = 0;                // ssh_keys_dir, managed_user_directories, create_home
  uint64_t ranges = 0;                  // managed_uid_range and managed_gid_range
  std::vector<uint64_t> user_work;      // all of a user but its password fields: what per-user files depend on
  std::vector<uint64_t> user_record;    // the whole user record
  std::vector<uint64_t> group_record;   // the whole group record
  uint64_t directory = 0;               // all of the above, in order: the directory as a whole
};

[[nodiscard]] RecordHashes hash_records(const protocol::Directory& directory);

}  // namespace herd::directory
