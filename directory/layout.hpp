#pragma once
// The shape of the four /etc files as a plan generated them: unmanaged lines
// first (a prefix), then one line per managed user or group in id order.
// Every plan produces it; the applier keeps it with the files' text, so the
// next plan can copy unchanged lines instead of parsing and regenerating
// 10,000 of them (delta_plan.hpp). Pure data, no I/O.

#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "directory/applied_state.hpp"
#include "directory/etc_files.hpp"

namespace herd::directory {

// A line of one of the files, without its newline.
struct Span {
  uint32_t offset = 0, size = 0;
  [[nodiscard]] std::string_view in(const std::string& text) const { return std::string_view(text).substr(offset, size); }
};

// A managed user as the files have it: position in uid order.
struct LayoutUser {
  std::string name;
  uint32_t uid = 0, gid = 0;
  uint64_t record = 0;  // hash of the directory record its lines came from
  Span passwd, shadow;
  uint64_t digest = 0;  // its entry in the applied state
  Progress progress = Progress::pending;
};

struct LayoutGroup {
  std::string name;
  uint32_t gid = 0;
  uint64_t record = 0;
  Span group, gshadow;
};

struct Layout {
  uint64_t ranges = 0, settings = 0;               // the hashes it was generated under
  std::array<uint32_t, kEtcFileCount> prefix{};    // bytes of unmanaged lines at the start of each file
  std::vector<LayoutUser> users;                   // uid order
  std::vector<uint32_t> user_order;                // the directory's order: index -> position in `users`
  std::vector<LayoutGroup> groups;                 // gid order
  std::vector<uint32_t> group_order;
  std::optional<uint32_t> shadow_gid;
  // Names of the unmanaged entries (lines of the prefixes): a managed name
  // equal to one of them is a collision or takes over a stale shadow line.
  std::unordered_set<std::string> unmanaged_users, unmanaged_groups;
  // The last directory's user names and uids -> record hash, for the
  // uniqueness of changed records.
  std::unordered_map<std::string, uint64_t> user_names;
  std::unordered_map<uint32_t, uint64_t> uids;
};

}  // namespace herd::directory
