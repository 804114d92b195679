#pragma once
// The small file-system operations the writer is built from. Each returns a
// Status naming the path and the system error. None follows a symlink where
// a user could have planted one (users own their managed directories).

#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <sys/types.h>

#include "common/atomic_file.hpp"
#include "common/result.hpp"

namespace herd::directory {

// Writes `content` to `path` (created or truncated) with owner and mode set
// before any byte is written; fsyncs when asked.
[[nodiscard]] Status write_new_file(const std::string& path, std::string_view content, const FileOwnership& owner,
                                    bool sync);

// Replaces `path` by writing PATH.herd-tmp and renaming it over the target;
// `sync` fsyncs the data first (many small files are better synced at once
// with sync_filesystem).
[[nodiscard]] Status replace_file(const std::string& path, std::string_view content, const FileOwnership& owner,
                                  bool sync = false);

// Creates `name` in the open directory `dir` only if nothing is there
// (O_EXCL, no symlink followed), with owner and mode set before any byte is
// written; false, having written nothing, when something is. Four system
// calls where replace_file needs seven: a first apply creates 10,000 key
// files. Not atomic for readers, who may see the file short while it is
// written: only for files that did not exist. `umask`: the process's, when
// known, to spare the fchmod that create's mode already gives.
[[nodiscard]] Result<bool> create_new_file_at(int dir, const std::string& name, std::string_view content,
                                              const FileOwnership& owner, std::optional<mode_t> umask,
                                              const std::string& shown);

// The process's umask, read without changing it (umask(2) would, for a
// moment, for every thread); nullopt when /proc says nothing.
[[nodiscard]] std::optional<mode_t> process_umask();

// The names in a directory, nullopt when it does not exist.
[[nodiscard]] Result<std::optional<std::vector<std::string>>> list_directory(const std::string& path);

// The content of `path`, or nullopt when it does not exist.
[[nodiscard]] Result<std::optional<std::string>> read_if_exists(const std::string& path, std::size_t max_bytes);

// Creates every missing directory above `path` (not `path` itself), owned by
// root and mode 0755.
[[nodiscard]] Status make_parents(const std::string& path);

// Removes a file if it exists; true when it did.
[[nodiscard]] Result<bool> remove_file(const std::string& path);

// Removes a directory tree without following symlinks anywhere in it (the
// tree belongs to a user who may have planted links to /etc).
[[nodiscard]] Status remove_tree(const std::string& path);

[[nodiscard]] Status fsync_directory(const std::string& dir);
[[nodiscard]] Status sync_filesystem(const std::string& path);

[[nodiscard]] std::string parent_directory(const std::string& path);
[[nodiscard]] std::string errno_text();

}  // namespace herd::directory

namespace herd::directory {

// Copies the tree `from` (e.g. /etc/skel) into the existing directory `to`,
// everything owned by uid:gid; symlinks are copied as links.
[[nodiscard]] Status copy_tree_owned(const std::string& from, const std::string& to, uid_t uid, gid_t gid);

}  // namespace herd::directory
