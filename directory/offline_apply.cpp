#include "directory/offline_apply.hpp"

#include <ostream>

#include <nlohmann/json.hpp>

#include "directory/apply.hpp"
#include "directory/loader.hpp"

namespace herd::directory {
namespace {

// Writes each field of a flat record under its wire name.
struct JsonFields {
  nlohmann::ordered_json& out;
  template <typename T>
  void operator()(std::string_view name, const T& value, std::string_view, protocol::Bounds = {}) {
    out[std::string(name)] = value;
  }
};

void print_text(const protocol::DirectoryApplyResult& r, const std::string& root, std::ostream& out, std::ostream& err) {
  for (const std::string& w : r.warnings) err << "warning: " << w << '\n';
  for (const std::string& e : r.errors) err << "error: " << e << '\n';
  if (!r.applied) {
    err << "refused: nothing was written to " << root << '\n';
    return;
  }
  out << fmt::format("users: {} added, {} changed, {} removed\n", r.users_added, r.users_changed, r.users_removed);
  out << fmt::format("groups: {} added, {} changed, {} removed\n", r.groups_added, r.groups_changed, r.groups_removed);
  out << fmt::format("files written: {}{}\n", r.files_written,
                     r.etc_files_written.empty() ? std::string{}
                                                 : fmt::format(" (/etc: {})", fmt::join(r.etc_files_written, ", ")));
  out << fmt::format("duration: {:.1f} ms\n", static_cast<double>(r.duration_us) / 1000.0);
}

}  // namespace

std::string apply_result_json(const protocol::DirectoryApplyResult& result) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  JsonFields fields{out};
  protocol::DirectoryApplyResult::fields(result, fields);
  return out.dump(2);
}

int run_offline_apply(const std::string& file, const std::string& root, bool json, std::ostream& out,
                      std::ostream& err) {
  const LoadedDirectory loaded = load_directory_file(file);
  protocol::DirectoryApplyResult result;
  if (auto problems = directory_file_problems(loaded); !problems.empty()) {
    result.errors = std::move(problems);
  } else {
    ApplyOptions options;
    options.root = root;
    options.validated = true;
    result = apply_directory(loaded.directory, options);
  }
  if (json) {
    out << apply_result_json(result) << '\n';
    for (const std::string& e : result.errors) err << "error: " << e << '\n';
  } else {
    print_text(result, root, out, err);
  }
  return result.applied && result.errors.empty() ? 0 : 1;
}

}  // namespace herd::directory
