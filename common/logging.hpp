#pragma once
// Diagnostics go through spdlog: to the journal with structured fields when
// systemd runs the daemon (it sets JOURNAL_STREAM), to stderr otherwise.
// Logs say what the daemon did; never a secret (no keys, no password hashes).
//
// Structured fields (journal only) come from two places:
//   set_log_field("HERD_NODE", "c01");             every message of the process
//   LogFields fields{{"HERD_PEER", address}};      messages of this scope and thread
// Field names are upper case, as journald requires.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.hpp"

namespace herd {

// Installs the default logger named `name` at `level` ("trace".."off").
[[nodiscard]] Status setup_logging(std::string_view name, std::string_view level);

void set_log_field(std::string_view key, std::string_view value);

class LogFields {
 public:
  LogFields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
  ~LogFields();
  LogFields(const LogFields&) = delete;
  LogFields& operator=(const LogFields&) = delete;

 private:
  std::size_t added_ = 0;
};

}  // namespace herd
