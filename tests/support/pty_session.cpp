#include "tests/support/pty_session.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <poll.h>
#include <pty.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace herd::test {
namespace {

// Removes CSI/OSC escape sequences, \r and BEL: what is left reads like the screen.
std::string plain(const std::string& raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\x1b') {
      if (i + 1 < raw.size() && raw[i + 1] == '[') {
        i += 2;
        while (i < raw.size() && (static_cast<unsigned char>(raw[i]) < 0x40 || static_cast<unsigned char>(raw[i]) > 0x7e)) ++i;
      } else if (i + 1 < raw.size() && raw[i + 1] == ']') {
        while (i < raw.size() && raw[i] != '\a') ++i;
      } else {
        ++i;
      }
      continue;
    }
    if (c == '\r' || c == '\a') continue;
    out += c;
  }
  return out;
}

}  // namespace

PtySession::PtySession(const std::vector<std::string>& argv, const std::vector<std::string>& env, int rows,
                       int columns) {
  winsize size{};
  size.ws_row = static_cast<unsigned short>(rows);
  size.ws_col = static_cast<unsigned short>(columns);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
  if (pid_ < 0) throw std::runtime_error(std::string("forkpty: ") + std::strerror(errno));
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
}

PtySession::~PtySession() {
  if (status_ < 0 && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (master_ >= 0) ::close(master_);
}

void PtySession::send(const std::string& keys) {
  std::size_t done = 0;
  while (done < keys.size()) {
    const ssize_t n = ::write(master_, keys.data() + done, keys.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("write to pty failed");
    done += static_cast<std::size_t>(n);
  }
}

bool PtySession::pump(std::chrono::milliseconds timeout) {
  pollfd fd{master_, POLLIN, 0};
  if (::poll(&fd, 1, static_cast<int>(timeout.count())) <= 0) return true;
  char buffer[4096];
  const ssize_t n = ::read(master_, buffer, sizeof buffer);
  if (n <= 0) return false;  // EIO: the child's side is closed
  raw_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

bool PtySession::expect(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const std::string s = plain(raw_);
    if (const auto at = s.find(text, consumed_); at != std::string::npos) {
      consumed_ = at + text.size();
      return true;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (!pump(std::min(left, std::chrono::milliseconds{100}))) {
      // Closed: one last look.
      const std::string last = plain(raw_);
      if (const auto at = last.find(text, consumed_); at != std::string::npos) {
        consumed_ = at + text.size();
        return true;
      }
      return false;
    }
  }
}

std::string PtySession::screen() const { return plain(raw_); }

void PtySession::resize(int rows, int columns) {
  winsize size{};
  size.ws_row = static_cast<unsigned short>(rows);
  size.ws_col = static_cast<unsigned short>(columns);
  ::ioctl(master_, TIOCSWINSZ, &size);  // the kernel sends SIGWINCH to the foreground group
}

void PtySession::signal(int sig) { ::kill(pid_, sig); }

int PtySession::wait(std::chrono::milliseconds timeout) {
  if (status_ >= 0) return status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int st = 0;
    const pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      // What it wrote just before it ended may still wait in the pty.
      for (std::size_t before = raw_.size() + 1; before != raw_.size();) {
        before = raw_.size();
        if (!pump(std::chrono::milliseconds{50})) break;
      }
      return status_;
    }
    pump(std::chrono::milliseconds{20});  // keep draining so the child never blocks on a full pty
  }
  return -1;
}

unsigned PtySession::local_flags() const {
  termios t{};
  if (::tcgetattr(master_, &t) != 0) return 0;
  return static_cast<unsigned>(t.c_lflag);
}

}  // namespace herd::test
