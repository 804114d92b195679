#pragma once
// The lines a plan writes and the per-user decisions it takes, shared by the
// full plan (plan.cpp) and the delta plan (delta_plan.cpp) so that both give
// byte-for-byte the same files and the same counts.

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "directory/applied_state.hpp"
#include "directory/etc_files.hpp"
#include "directory/first_index.hpp"
#include "protocol/directory_model.hpp"

namespace herd::directory {

// Fields joined by ':' (no newline).
void append_fields(std::string& out, std::initializer_list<std::string_view> fields);
void append_number(std::string& out, uint64_t value);

// name:x:uid:gid:gecos:home:shell
void append_passwd_line(std::string& out, const protocol::DirectoryUser& u, uint32_t gid);
// `old`: the user's current shadow entry, nullptr for a new user (who gets
// useradd's defaults). An existing user keeps its aging fields and, unless
// update_password `always` brings a new hash, its hash and last-change day.
void append_shadow_line(std::string& out, const protocol::DirectoryUser& u, const ShadowEntry* old,
                        std::string_view today);
// Members: the group's own list, then the users naming it (`extra`, indices
// into `users` in directory order) that it does not list already.
void append_members(std::string& out, const protocol::DirectoryGroup& g, std::span<const uint32_t> extra,
                    const std::vector<protocol::DirectoryUser>& users);
// name:x:gid:members and name:!::members
void append_group_line(std::string& out, const protocol::DirectoryGroup& g, std::string_view members);
void append_gshadow_line(std::string& out, const protocol::DirectoryGroup& g, std::string_view members);
// For each group (by index), the users naming it in their `groups`, in
// directory order; in two flat arrays rather than a vector per group.
class GroupUsers {
 public:
  GroupUsers(const protocol::Directory& d, const FirstIndex<std::string_view>& group_index);
  [[nodiscard]] std::span<const uint32_t> operator[](std::size_t group) const {
    return std::span<const uint32_t>(users_).subspan(start_[group], start_[group + 1] - start_[group]);
  }

 private:
  std::vector<uint32_t> start_;  // per group, where its users begin in users_
  std::vector<uint32_t> users_;
};

// What a plan decides for one user. `prev`: its entry in the last applied
// state, nullptr when there is none.
struct UserDecision {
  bool changed = false;     // counted as changed (when not created)
  bool full_work = false;   // its per-user files are (re)done
  bool quota_work = false;  // only its quota limits are retried
  Progress progress = Progress::pending;  // for the next state
};
[[nodiscard]] UserDecision decide_user(bool created, bool lines_changed, const AppliedUser* prev, uint64_t digest,
                                       uint32_t uid);

}  // namespace herd::directory
