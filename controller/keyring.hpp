#pragma once
// The enrolled agent keys (one NAME.pub per node in keys_dir) and the ZAP
// decision made from them: a connection is admitted as node NAME only if its
// CURVE key is the one in NAME.pub.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace herd::controller {

class Keyring {
 public:
  explicit Keyring(std::string dir) : dir_(std::move(dir)) {}

  // Rereads keys_dir. On success returns the problems found in single files
  // (those files are left out); fails only if the directory is unreadable,
  // in which case the keys loaded before stay in force.
  [[nodiscard]] Result<std::vector<std::string>> reload();

  [[nodiscard]] std::optional<std::string> node_for(const std::string& public_key) const;
  // The key `node` is enrolled with, if it is.
  [[nodiscard]] std::optional<std::string> key_of(const std::string& node) const;
  [[nodiscard]] const std::unordered_map<std::string, std::string>& keys_by_node() const { return key_by_name_; }
  [[nodiscard]] std::size_t size() const { return name_by_key_.size(); }
  [[nodiscard]] const std::string& dir() const { return dir_; }

  // An unknown key may belong to a node just enrolled: reread the directory,
  // but at most once per `min_interval`, so unknown peers cannot make the
  // controller scan the disk at their rate.
  [[nodiscard]] bool may_rescan(MonoTime now, std::chrono::milliseconds min_interval);

 private:
  std::string dir_;
  std::unordered_map<std::string, std::string> name_by_key_;
  std::unordered_map<std::string, std::string> key_by_name_;
  std::optional<MonoTime> last_rescan_;
};

}  // namespace herd::controller
