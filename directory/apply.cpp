#include "directory/apply.hpp"

#include "directory/applier.hpp"

namespace herd::directory {

// One apply knows nothing from earlier ones: a fresh applier reads everything.
protocol::DirectoryApplyResult apply_directory(const protocol::Directory& directory, const ApplyOptions& options) {
  return DirectoryApplier(options).apply(directory);
}

}  // namespace herd::directory
