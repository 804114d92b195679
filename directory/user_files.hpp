#pragma once
// The per-user files of an apply, after /etc is written: the authorized_keys
// file in ssh_keys_dir, the systemd linger flag, managed_user_directories,
// the home directory (create_home) and disk quota limits. Each user's steps
// are independent: a failure is reported for that user and the others go on.
//
// Removed users lose their key file, linger flag and managed directories
// (only a directory still owned by their uid: a template must never let a
// removal reach someone else's data). Their home directory is kept.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/atomic_file.hpp"
#include "directory/applied_state.hpp"
#include "directory/plan.hpp"
#include "protocol/directory_model.hpp"

namespace herd::directory {

class UserFiles {
 public:
  // `root`: the apply root without a trailing slash ("" for /).
  UserFiles(std::string root, const protocol::Directory& directory, const Plan& plan);
  ~UserFiles();
  UserFiles(const UserFiles&) = delete;
  UserFiles& operator=(const UserFiles&) = delete;

  [[nodiscard]] Progress ensure(const UserWork& work);
  void remove(const RemovedUser& user);

  [[nodiscard]] uint32_t files_written() const { return files_written_; }
  [[nodiscard]] std::vector<std::string>& errors() { return errors_; }
  [[nodiscard]] std::vector<std::string>& warnings() { return warnings_; }

 private:
  bool ssh_keys(const UserWork& w);
  bool linger(const protocol::DirectoryUser& u);
  bool managed_directory(const protocol::DirectoryUser& u, uint32_t gid, const protocol::ManagedDirectory& m);
  bool home(const protocol::DirectoryUser& u, uint32_t gid);
  Progress quotas(const protocol::DirectoryUser& u);
  void remove_managed_directory(const RemovedUser& r, const std::string& path);
  bool report(const std::string& user, Status s);
  bool unlink_file(const std::string& user, const std::string& path);
  Status parents_of(const std::string& path);
  Result<int> directory_fd(const std::string& dir);
  Result<bool> create_key_file(const std::string& path, const std::string& content, const herd::FileOwnership& owner);
  bool linger_exists(const std::string& name);

  std::string root_;
  const protocol::Directory& d_;
  const Plan& plan_;
  uint32_t files_written_ = 0;
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
  std::map<std::string, std::string> quota_unavailable_;  // path -> reason, so each is reported once
  std::set<std::string> known_directories_;
  std::map<std::string, int> directory_fds_;  // open parents of key files: one path walk per directory
  std::optional<mode_t> umask_;
  // The linger flags there are, listed once when many users are done: one
  // getdents instead of a failed unlink or stat per user.
  std::optional<std::set<std::string, std::less<>>> linger_names_;
  bool many_users_ = false;
};

}  // namespace herd::directory
