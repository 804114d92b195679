#include "controller/keyring.hpp"

#include "bus/curve_keys.hpp"

namespace herd::controller {

Result<std::vector<std::string>> Keyring::reload() {
  auto loaded = bus::load_key_directory(dir_);
  if (!loaded) return std::move(loaded).error();
  name_by_key_ = std::move(loaded->name_by_key);
  key_by_name_.clear();
  for (const auto& [key, name] : name_by_key_) key_by_name_.emplace(name, key);
  return std::move(loaded->problems);
}

std::optional<std::string> Keyring::node_for(const std::string& public_key) const {
  const auto it = name_by_key_.find(public_key);
  if (it == name_by_key_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Keyring::key_of(const std::string& node) const {
  const auto it = key_by_name_.find(node);
  if (it == key_by_name_.end()) return std::nullopt;
  return it->second;
}

bool Keyring::may_rescan(MonoTime now, std::chrono::milliseconds min_interval) {
  if (last_rescan_ && now - *last_rescan_ < min_interval) return false;
  last_rescan_ = now;
  return true;
}

}  // namespace herd::controller
