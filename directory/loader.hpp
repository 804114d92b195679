#pragma once
// Reads a directory file, YAML or JSON (yaml-cpp reads both), into the model.
// Loading collects every type problem (wrong type, unknown field, missing
// required field, bad size) with its line; the rules of SPEC §5 are then
// checked by validate_directory on the model. directory_file_problems runs
// both and formats everything as "FILE:LINE: ...".

#include <string>
#include <string_view>
#include <vector>

#include "directory/diagnostics.hpp"
#include "protocol/directory_model.hpp"

namespace herd::directory {

struct LoadedDirectory {
  protocol::Directory directory;
  SourceMap lines;
  std::vector<Diagnostic> problems;      // from loading: types, unknown fields, syntax
  std::vector<std::string> failed_paths;  // fields that could not be read (their values are defaults)
};

// `name` is what messages call the file (usually its path as given).
[[nodiscard]] LoadedDirectory load_directory_text(std::string_view text, const std::string& name);
[[nodiscard]] LoadedDirectory load_directory_file(const std::string& path);

// Every problem of a loaded file, load and validation together, formatted
// with file and line; empty when the directory may be applied. Validation
// problems about fields that failed to load are left out (they would only
// repeat the load problem about a default value).
[[nodiscard]] std::vector<std::string> directory_file_problems(const LoadedDirectory& loaded);

}  // namespace herd::directory
