#pragma once
// Reads a TOML config file into a typed struct and reports every problem as
// "FILE:LINE: what is wrong": unknown keys, wrong types, missing required
// values, values out of range. All problems are collected, so an admin fixes
// a config in one pass instead of one error per restart.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace toml {
inline namespace v3 {
class table;
class node;
}  // namespace v3
}  // namespace toml

namespace herd {

class ConfigReader {
 public:
  // Parses `path`; a syntax error is returned as "FILE:LINE:COL: description".
  [[nodiscard]] static Result<ConfigReader> open(const std::string& path);
  // Parses text that claims to come from `name` (for tests and embedded defaults).
  [[nodiscard]] static Result<ConfigReader> parse(std::string_view text, const std::string& name);

  ConfigReader(ConfigReader&&) noexcept;
  ConfigReader& operator=(ConfigReader&&) noexcept;
  ~ConfigReader();

  // Each reader sets `out` when the key is present and valid, leaves the
  // default in `out` when it is absent, and records an error otherwise.
  void optional(std::string_view key, std::string& out);
  void optional(std::string_view key, bool& out);
  void optional(std::string_view key, int64_t& out, int64_t min, int64_t max);
  // A float; an integer is accepted too ("2" for 2.0).
  void optional(std::string_view key, double& out, double min, double max);
  void optional(std::string_view key, std::chrono::milliseconds& out, std::chrono::milliseconds min,
                std::chrono::milliseconds max);
  void optional(std::string_view key, std::vector<std::string>& out);
  void required(std::string_view key, std::string& out);
  // A string that must be one of `choices`.
  void choice(std::string_view key, std::string& out, const std::vector<std::string>& choices);

  // A [section] as its own reader; its errors and unknown keys are reported
  // with the section's path ("checks.mounts").
  void section(std::string_view key, const std::function<void(ConfigReader&)>& read);
  // An array of tables ([[mount]]), each read by `read`.
  void each_table(std::string_view key, const std::function<void(ConfigReader&)>& read);

  // Records an error of the caller's own (e.g. two keys that conflict) at the
  // line of `key`, or of the file when the key is absent.
  void error(std::string_view key, std::string_view message);

  // Reports unknown keys and every recorded error, all at once.
  [[nodiscard]] Status finish();

  [[nodiscard]] const std::string& file() const;

 private:
  struct Shared;
  ConfigReader(std::shared_ptr<Shared> shared, const toml::table* table, std::string prefix);
  const toml::node* find(std::string_view key);
  std::string where(const toml::node* node) const;
  void type_error(std::string_view key, const toml::node* node, std::string_view expected);
  void collect_unknown();

  std::shared_ptr<Shared> shared_;
  const toml::table* table_;
  std::string prefix_;
  std::vector<std::string> used_;
};

}  // namespace herd
