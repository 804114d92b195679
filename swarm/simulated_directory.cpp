#include "swarm/simulated_directory.hpp"

#include <chrono>

#include "directory/delta_plan.hpp"
#include "directory/diagnostics.hpp"
#include "directory/record_hash.hpp"
#include "directory/validate.hpp"

namespace herd::swarm {

SimulatedDirectory::SimulatedDirectory() {
  files_.text = {"root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
                 "root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n",
                 "root:x:0:\nshadow:x:42:\nusers:x:100:\nnogroup:x:65534:\n",
                 "root:*::\nshadow:*::\nusers:*::\nnogroup:*::\n"};
  files_.label = {"memory:/etc/passwd", "memory:/etc/shadow", "memory:/etc/group", "memory:/etc/gshadow"};
}

protocol::DirectoryApplyResult SimulatedDirectory::apply(const protocol::Directory& directory, int64_t today) {
  const auto start = std::chrono::steady_clock::now();
  protocol::DirectoryApplyResult result;
  const auto hashes = directory::hash_records(directory);
  std::optional<directory::Plan> plan;
  if (layout_) {
    directory::DeltaInput in{directory, hashes};
    for (std::size_t i = 0; i < directory::kEtcFileCount; ++i) in.text[i] = &files_.text[i];
    in.today = today;
    plan = directory::plan_delta(in, *layout_);
  }
  if (!plan) {
    layout_.reset();
    const auto diagnostics = directory::validate_directory(directory);
    if (!diagnostics.empty()) {
      result.errors = directory::format_diagnostics(diagnostics, nullptr);
    } else if (auto full = directory::plan_apply(directory, hashes, files_, nullptr, today); !full) {
      result.errors.push_back(full.error().message);
    } else {
      plan = std::move(*full);
    }
  }
  if (plan) {
    result.applied = true;
    for (std::size_t i = 0; i < directory::kEtcFileCount; ++i) {
      if (plan->files[i]) {
        files_.text[i] = std::move(*plan->files[i]);
        result.etc_files_written.emplace_back(directory::etc_file_name(static_cast<directory::EtcFile>(i)));
        ++result.files_written;
      }
    }
    const auto& c = plan->counts;
    result.users_added = c.users_added;
    result.users_changed = c.users_changed;
    result.users_removed = c.users_removed;
    result.groups_added = c.groups_added;
    result.groups_changed = c.groups_changed;
    result.groups_removed = c.groups_removed;
    layout_ = std::move(plan->layout);
  }
  result.duration_us = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
  return result;
}

}  // namespace herd::swarm
