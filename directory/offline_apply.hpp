#pragma once
// `herd-agent apply FILE [--root DIR] [--json]`: validates a directory file
// and applies it once into DIR (default /), then exits. Used by image builds
// to bake users into an image, by benchmarks, and by admins trying a file
// against a copy of a node's /etc.
//
// stdout: what changed (counts, files written, duration), or the JSON form
// of DirectoryApplyResult with --json. Refusal: exit 1 and every error, as
// "FILE:LINE: ..." where the file says where (on stderr, and in the JSON).

#include <iosfwd>
#include <string>

#include "protocol/directory_model.hpp"

namespace herd::directory {

[[nodiscard]] int run_offline_apply(const std::string& file, const std::string& root, bool json, std::ostream& out,
                                    std::ostream& err);

// The JSON object `--json` prints (the DirectoryApplyResult fields).
[[nodiscard]] std::string apply_result_json(const protocol::DirectoryApplyResult& result);

}  // namespace herd::directory
