#pragma once
// The directory of users and groups (SPEC §5) as plain records. The same
// structs are read from the admin's YAML/JSON file, validated, stored by the
// controller and sent to agents in snapshots and deltas, so each declares its
// fields once through the codec's visitor. Users and groups are arrays of
// records, never maps: order is the admin's and the wire stays schema-checked.
//
// Every field is required on the wire (the controller sends complete
// records); the file loader (directory/) fills in the documented defaults.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/codec.hpp"

namespace herd::protocol {

// Longest values accepted anywhere (file or wire); validation enforces them
// with a message, the decoder with Bounds.
inline constexpr std::size_t kMaxNameLength = 32;
inline constexpr std::size_t kMaxPathLength = 4096;
inline constexpr std::size_t kMaxGecosLength = 1024;
inline constexpr std::size_t kMaxPasswordLength = 512;
inline constexpr std::size_t kMaxSshKeyLength = 16 * 1024;
inline constexpr std::size_t kMaxSshKeysPerUser = 1024;
inline constexpr std::size_t kMaxGroupsPerUser = 1024;
inline constexpr std::size_t kMaxMembersPerGroup = 1'000'000;
inline constexpr std::size_t kMaxQuotasPerUser = 64;
inline constexpr std::size_t kMaxManagedDirectories = 64;
inline constexpr std::size_t kMaxUsers = 1'000'000;
inline constexpr std::size_t kMaxGroups = 1'000'000;

enum class UpdatePassword : uint8_t { always, on_create };
template <>
struct EnumNames<UpdatePassword> {
  static constexpr std::array<std::string_view, 2> names{"always", "on_create"};
};

struct DiskQuota {
  static constexpr std::string_view kName = "DiskQuota";

  std::string path;
  uint64_t bytes_soft = 0;
  uint64_t bytes_hard = 0;
  uint64_t inodes_soft = 0;
  uint64_t inodes_hard = 0;

  bool operator==(const DiskQuota&) const = default;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("path", self.path, "A path on the filesystem whose quota is set (absolute, under the apply root).",
      Bounds{kMaxPathLength});
    v("bytes_soft", self.bytes_soft, "Soft block limit in bytes (0: none); applied rounded up to KiB.");
    v("bytes_hard", self.bytes_hard, "Hard block limit in bytes (0: none); applied rounded up to KiB.");
    v("inodes_soft", self.inodes_soft, "Soft inode limit (0: none).");
    v("inodes_hard", self.inodes_hard, "Hard inode limit (0: none).");
  }
};

struct DirectoryUser {
  static constexpr std::string_view kName = "DirectoryUser";

  std::string name;
  uint32_t uid = 0;
  std::string primary_group;
  std::vector<std::string> groups;
  std::string password = "*";
  UpdatePassword update_password = UpdatePassword::always;
  std::string shell = "/bin/bash";
  std::string gecos;
  std::string home;
  std::vector<std::string> ssh_authorized_keys;
  bool linger = false;
  std::vector<DiskQuota> disk_quota;

  bool operator==(const DirectoryUser&) const = default;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("name", self.name, "Login name: `[a-z_][a-z0-9_-]*`, at most 32 characters.", Bounds{kMaxNameLength});
    v("uid", self.uid, "User id, inside `managed_uid_range`.");
    v("primary_group", self.primary_group, "Name of a group of this directory.", Bounds{kMaxNameLength});
    v("groups", self.groups, "Additional groups (names of groups of this directory).", Bounds{kMaxGroupsPerUser});
    v("password", self.password, "A crypt(3) hash, or `!`/`*` (locked), or `!` followed by a hash.",
      Bounds{kMaxPasswordLength});
    v("update_password", self.update_password,
      "`always`: the hash is kept equal to `password`; `on_create`: set only when the user is created.");
    v("shell", self.shell, "Absolute path of the login shell.", Bounds{kMaxPathLength});
    v("gecos", self.gecos, "Full name and contact fields (no `:`).", Bounds{kMaxGecosLength});
    v("home", self.home, "Absolute path of the home directory.", Bounds{kMaxPathLength});
    v("ssh_authorized_keys", self.ssh_authorized_keys, "authorized_keys lines, written to `ssh_keys_dir`.",
      Bounds{kMaxSshKeysPerUser});
    v("linger", self.linger, "systemd lingering (user services run without a session).");
    v("disk_quota", self.disk_quota, "Disk quota limits per filesystem.", Bounds{kMaxQuotasPerUser});
  }
};

struct DirectoryGroup {
  static constexpr std::string_view kName = "DirectoryGroup";

  std::string name;
  uint32_t gid = 0;
  std::vector<std::string> members;

  bool operator==(const DirectoryGroup&) const = default;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("name", self.name, "Group name: `[a-z_][a-z0-9_-]*`, at most 32 characters.", Bounds{kMaxNameLength});
    v("gid", self.gid, "Group id, inside `managed_gid_range`.");
    v("members", self.members,
      "Users of this directory listed as members (in addition to users naming the group in `groups`).",
      Bounds{kMaxMembersPerGroup});
  }
};

// A directory created for every user from a template, e.g. `/scratch/%u`.
struct ManagedDirectory {
  static constexpr std::string_view kName = "ManagedDirectory";

  std::string path;
  uint32_t mode = 0700;

  bool operator==(const ManagedDirectory&) const = default;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("path", self.path, "Path template: `%u` user name, `%U` uid, `%%` a percent sign.", Bounds{kMaxPathLength});
    v("mode", self.mode, "Permission bits the directory is created with (e.g. 448 = 0700).");
  }
};

struct Directory {
  static constexpr std::string_view kName = "Directory";

  std::array<uint32_t, 2> managed_uid_range{};
  std::array<uint32_t, 2> managed_gid_range{};
  std::string ssh_keys_dir = "/etc/ssh/authorized_keys.d/%u";
  std::vector<ManagedDirectory> managed_user_directories;
  bool create_home = false;
  std::vector<DirectoryUser> users;
  std::vector<DirectoryGroup> groups;

  bool operator==(const Directory&) const = default;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("managed_uid_range", self.managed_uid_range,
      "`[lo, hi]`, inclusive: passwd entries with a uid in it belong to herd, all others are never touched.");
    v("managed_gid_range", self.managed_gid_range, "`[lo, hi]`, inclusive: the same for group entries.");
    v("ssh_keys_dir", self.ssh_keys_dir,
      "Template of each user's authorized_keys file (`%u` name, `%U` uid), e.g. `/etc/ssh/authorized_keys.d/%u`.",
      Bounds{kMaxPathLength});
    v("managed_user_directories", self.managed_user_directories,
      "Directories created for every user with its owner and removed with the user.",
      Bounds{kMaxManagedDirectories});
    v("create_home", self.create_home, "Create missing home directories (from /etc/skel).");
    v("users", self.users, "The managed users.", Bounds{kMaxUsers});
    v("groups", self.groups, "The managed groups.", Bounds{kMaxGroups});
  }
};

// What one apply did on one node; the agent reports it with the revision.
struct DirectoryApplyResult {
  static constexpr std::string_view kName = "DirectoryApplyResult";

  bool applied = false;
  uint32_t users_added = 0;
  uint32_t users_changed = 0;
  uint32_t users_removed = 0;
  uint32_t groups_added = 0;
  uint32_t groups_changed = 0;
  uint32_t groups_removed = 0;
  uint32_t files_written = 0;
  std::vector<std::string> etc_files_written;
  uint64_t duration_us = 0;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;

  template <class Self, class V>
  static void fields(Self& self, V& v) {
    v("applied", self.applied,
      "true: the node's files now match the directory (possibly with `errors` in per-user steps); false: "
      "refused, nothing was written.");
    v("users_added", self.users_added, "Users created.");
    v("users_changed", self.users_changed, "Existing users whose entries or per-user files changed.");
    v("users_removed", self.users_removed, "Managed users removed.");
    v("groups_added", self.groups_added, "Groups created.");
    v("groups_changed", self.groups_changed, "Existing groups whose entries changed.");
    v("groups_removed", self.groups_removed, "Managed groups removed.");
    v("files_written", self.files_written, "Files and directories created, replaced or removed.");
    v("etc_files_written", self.etc_files_written, "Which of passwd, shadow, group, gshadow were replaced.",
      Bounds{4});
    v("duration_us", self.duration_us, "Wall time of the apply, microseconds.");
    v("errors", self.errors, "Why the apply was refused, or what failed after the files were written.",
      Bounds{10'000});
    v("warnings", self.warnings, "Things skipped with a reason, e.g. `quota skipped on /x: quotas off`.",
      Bounds{10'000});
  }
};

}  // namespace herd::protocol
