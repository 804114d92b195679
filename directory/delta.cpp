#include "directory/delta.hpp"

#include <algorithm>
#include <map>

namespace herd::directory {
namespace {

template <typename Record>
void sort_by_name(std::vector<Record>& records) {
  std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) { return a.name < b.name; });
}

// Added, changed and removed between two name-sorted lists.
template <typename Record>
void diff(const std::vector<Record>& before, const std::vector<Record>& after, std::vector<std::string>& added,
          std::vector<std::string>& changed, std::vector<std::string>& removed, std::vector<Record>& upserts) {
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->name < a->name)) {
      removed.push_back(b->name);
      ++b;
    } else if (b == before.end() || a->name < b->name) {
      added.push_back(a->name);
      upserts.push_back(*a);
      ++a;
    } else {
      if (!(*a == *b)) {
        changed.push_back(a->name);
        upserts.push_back(*a);
      }
      ++a;
      ++b;
    }
  }
}

bool same_settings(const protocol::Directory& x, const protocol::Directory& y) {
  protocol::Directory a = x;
  protocol::Directory b = y;
  a.users.clear();
  a.groups.clear();
  b.users.clear();
  b.groups.clear();
  return a == b;
}

template <typename Record>
Status merge(std::vector<Record>& records, const std::vector<Record>& upserts, const std::vector<std::string>& removals,
             std::string_view what) {
  std::map<std::string, Record> by_name;
  for (auto& r : records) by_name.emplace(r.name, std::move(r));
  for (const auto& name : removals) {
    if (by_name.erase(name) == 0) return fail("the update removes {} \"{}\", which this copy does not have", what, name);
  }
  for (const auto& r : upserts) by_name.insert_or_assign(r.name, r);
  records.clear();
  records.reserve(by_name.size());
  for (auto& [name, r] : by_name) records.push_back(std::move(r));  // std::map: already in name order
  return {};
}

}  // namespace

void canonicalize(protocol::Directory& directory) {
  sort_by_name(directory.users);
  sort_by_name(directory.groups);
}

bool DirectoryDelta::empty() const {
  return update.upsert_users.empty() && update.remove_users.empty() && update.upsert_groups.empty() &&
         update.remove_groups.empty() && !change.settings_changed;
}

DirectoryDelta compute_delta(const protocol::Directory& before, const protocol::Directory& after) {
  DirectoryDelta d;
  diff(before.users, after.users, d.change.users_added, d.change.users_changed, d.change.users_removed,
       d.update.upsert_users);
  diff(before.groups, after.groups, d.change.groups_added, d.change.groups_changed, d.change.groups_removed,
       d.update.upsert_groups);
  d.update.remove_users = d.change.users_removed;
  d.update.remove_groups = d.change.groups_removed;
  d.change.settings_changed = !same_settings(before, after);
  d.update.snapshot_required = d.change.settings_changed;
  return d;
}

Status apply_delta(protocol::Directory& copy, const protocol::DirectoryUpdate& update) {
  if (update.snapshot_required) return fail("revision {} changes the settings: a snapshot is needed", update.revision);
  protocol::Directory next = copy;
  if (auto s = merge(next.users, update.upsert_users, update.remove_users, "user"); !s) return s;
  if (auto s = merge(next.groups, update.upsert_groups, update.remove_groups, "group"); !s) return s;
  copy = std::move(next);
  return {};
}

}  // namespace herd::directory
