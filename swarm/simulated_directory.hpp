#pragma once
// What a simulated agent does with a directory revision: everything a real
// agent does except touching a disk. It validates the directory and diffs it
// against its own in-memory /etc (starting as a Debian base), keeps the
// result as its new /etc, and reports the counts, so convergence figures
// include the real per-node work. Like the agent's DirectoryApplier it keeps
// the last plan's layout, so a revision that is a plain edit of the last one
// is planned by plan_delta (checks and lines of the changed records only);
// anything else is validated and planned in full.

#include <optional>

#include "directory/layout.hpp"
#include "directory/plan.hpp"
#include "protocol/messages.hpp"

namespace herd::swarm {

class SimulatedDirectory {
 public:
  SimulatedDirectory();
  [[nodiscard]] protocol::DirectoryApplyResult apply(const protocol::Directory& directory, int64_t today);
  // The in-memory /etc as the applies left it.
  [[nodiscard]] const directory::CurrentFiles& files() const { return files_; }

 private:
  directory::CurrentFiles files_;
  std::optional<directory::Layout> layout_;  // describes files_ after a successful apply
};

}  // namespace herd::swarm
