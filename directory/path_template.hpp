#pragma once
// Per-user path templates (`ssh_keys_dir`, `managed_user_directories`):
// `%u` the user name, `%U` the uid, `%%` a percent sign.
//
// Why a valid template can never escape its base directory: the template
// itself must be an absolute path with no "." or ".." component, and its
// placeholders expand only to validated user names ([a-z_][a-z0-9_-]*: no
// "/", no ".") and decimal uids, so an expansion can neither add nor climb a
// directory level.

#include <cstdint>
#include <string>
#include <string_view>

namespace herd::directory {

// Empty when `tmpl` is a usable per-user template, else what is wrong.
[[nodiscard]] std::string template_problem(std::string_view tmpl);

// Expands a template that passed template_problem.
[[nodiscard]] std::string expand_template(std::string_view tmpl, std::string_view name, uint32_t uid);

}  // namespace herd::directory
