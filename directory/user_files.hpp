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
#include <set>
#include <string>
#include <vector>

#include "directory/applied_state.hpp"
#include "directory/plan.hpp"
#include "protocol/directory_model.hpp"

namespace herd::directory {

class UserFiles {
 public:
  // `root`: the apply root without a trailing slash ("" for /).
  UserFiles(std::string root, const protocol::Directory& directory, const Plan& plan)
      : root_(std::move(root)), d_(directory), plan_(plan) {}

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

  std::string root_;
  const protocol::Directory& d_;
  const Plan& plan_;
  uint32_t files_written_ = 0;
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
  std::map<std::string, std::string> quota_unavailable_;  // path -> reason, so each is reported once
  std::set<std::string> known_directories_;
};

}  // namespace herd::directory
