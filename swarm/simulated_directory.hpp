#pragma once
// What a simulated agent does with a directory revision: everything a real
// agent does except touching a disk. It validates the directory and diffs it
// against its own in-memory /etc (starting as a Debian base), keeps the
// result as its new /etc, and reports the counts, so convergence figures
// include the real per-node work.

#include "directory/plan.hpp"
#include "protocol/messages.hpp"

namespace herd::swarm {

class SimulatedDirectory {
 public:
  SimulatedDirectory();
  [[nodiscard]] protocol::DirectoryApplyResult apply(const protocol::Directory& directory, int64_t today);

 private:
  directory::CurrentFiles files_;
};

}  // namespace herd::swarm
