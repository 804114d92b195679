#pragma once
// A program run on a real pseudo-terminal (forkpty) for tests that type keys
// and read the screen: the console's line editing, completion and `watch`.

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace herd::test {

class PtySession {
 public:
  // `env`: the whole environment of the child (NAME=VALUE).
  PtySession(const std::vector<std::string>& argv, const std::vector<std::string>& env, int rows = 40, int columns = 120);
  ~PtySession();  // SIGKILLs the child if it still runs
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;

  void send(const std::string& keys);
  // Waits until `text` shows up in what the program wrote after the last
  // successful expect (escape sequences and \r removed). False on timeout,
  // which is generous: a sanitized build on two loaded cores starts slowly,
  // and only a failing test ever waits it out.
  bool expect(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds{30});
  // Everything written so far, escape sequences removed / as written.
  [[nodiscard]] std::string screen() const;
  [[nodiscard]] const std::string& raw() const { return raw_; }
  void resize(int rows, int columns);
  void signal(int sig);
  // Exit status (128+signal if killed); -1 if it did not end within `timeout`.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds{30});
  // The terminal's settings now (the master reads the slave's).
  [[nodiscard]] unsigned local_flags() const;

 private:
  // Reads what is available within `timeout`; false once the child closed the terminal.
  bool pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int master_ = -1;
  int status_ = -1;
  std::string raw_;
  std::size_t consumed_ = 0;  // screen() offset up to which expect() matched
};

}  // namespace herd::test
