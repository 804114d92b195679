#pragma once
// Real child processes for integration tests: spawn with output to a log
// file, signal, wait with a deadline; and run a command to completion,
// capturing its output.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace herd::test {

class Process {
 public:
  Process(std::vector<std::string> argv, std::string log_path, std::vector<std::string> extra_env = {});
  ~Process();  // SIGKILLs the process if it still runs
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  void signal(int sig);
  // Exit status (or 128+signal); -1 if it did not end within `timeout`.
  int wait(std::chrono::milliseconds timeout);
  [[nodiscard]] bool running();
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] const std::string& log_path() const { return log_path_; }
  [[nodiscard]] std::string log() const;

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string log_path_;
};

struct CommandResult {
  int exit_code = -1;  // 128+signal if killed; -1 if it timed out
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{0};
};

// `as_uid`: run as that user (and group of the same number); needs root.
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::vector<std::string>& extra_env = {}, std::optional<uid_t> as_uid = {});

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_tcp_port();

}  // namespace herd::test
