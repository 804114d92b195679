#include "cli/console/watch.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>

#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cli/console/watch_screen.hpp"
#include "cli/exit_codes.hpp"
#include "cli/query_client.hpp"
#include "cli/status_output.hpp"
#include "cli/table.hpp"

namespace herd::cli::console {
namespace {

volatile std::sig_atomic_t g_signal = 0;
extern "C" void note_signal(int sig) { g_signal = sig; }

void write_all(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a closed terminal: nothing more to show
    done += static_cast<std::size_t>(n);
  }
}

constexpr std::array kSignals{SIGINT, SIGTERM, SIGHUP, SIGWINCH};

// Our handlers for the watch, the previous ones back afterwards. No
// SA_RESTART: poll() must wake up.
class SignalScope {
 public:
  SignalScope() {
    g_signal = 0;
    struct sigaction action {};
    action.sa_handler = note_signal;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &action, &previous_[i]);
  }
  ~SignalScope() {
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &previous_[i], nullptr);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  std::array<struct sigaction, kSignals.size()> previous_{};
};

// Keys arrive one at a time without echo; the screen is the alternate one,
// so the prompt and what was above it come back untouched.
class RawTerminal {
 public:
  RawTerminal() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    write_all("\x1b[?1049h\x1b[?25l");
  }
  ~RawTerminal() {
    write_all("\x1b[?25h\x1b[?1049l");
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

std::pair<std::size_t, std::size_t> terminal_size() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0 && size.ws_col > 0) {
    return {size.ws_row, size.ws_col};
  }
  return {24, 80};
}

// The table, or why there is none: shown in its place, and the watch goes on.
std::string status_body(const CliConfig& config) {
  try {
    QueryClient client(config.socket, config.timeout);
    auto result = client.ask<protocol::StatusReply>(protocol::StatusQuery{});
    if (!result.ok()) return "herd: " + result.failure.message + "\n";
    return status_table(*result.reply, std::chrono::system_clock::now(), stdout_wants_colour());
  } catch (const std::exception& e) {  // zmq::poll throws when a signal (SIGWINCH) interrupts it
    return std::string("herd: ") + e.what() + "\n";
  }
}

enum class Wake { key, redraw, leave, signal_again };  // signal_again: SIGTERM or SIGHUP

// Waits up to `interval` for a key or a signal.
Wake wait_for_key(std::chrono::milliseconds interval, int& fatal_signal) {
  const auto deadline = std::chrono::steady_clock::now() + interval;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Wake::redraw;
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    const int rc = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) {
      const int sig = g_signal;
      g_signal = 0;
      if (sig == SIGWINCH) return Wake::redraw;
      if (sig == SIGINT) return Wake::leave;
      if (sig != 0) {
        fatal_signal = sig;
        return Wake::signal_again;
      }
      continue;
    }
    if (rc < 0) return Wake::leave;
    if (rc == 0) return Wake::redraw;
    // Swallow the key (and the rest of an escape sequence) so it does not
    // land on the console's next line.
    std::array<char, 64> buffer{};
    [[maybe_unused]] const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
    if ((fd.revents & (POLLHUP | POLLERR)) != 0 && n <= 0) return Wake::leave;
    return Wake::key;
  }
}

}  // namespace

int run_watch(const CliConfig& config, std::chrono::milliseconds interval) {
  if (::isatty(STDIN_FILENO) != 1 || ::isatty(STDOUT_FILENO) != 1) {
    std::fprintf(stderr, "herd: watch needs a terminal (use `herd status` in scripts)\n");
    return kExitUsage;
  }
  std::fflush(stdout);
  int raise_after = 0;
  {
    SignalScope signals;
    RawTerminal terminal;
    while (true) {
      const std::string body = status_body(config);
      if (g_signal == SIGTERM || g_signal == SIGHUP) {
        raise_after = g_signal;
        break;
      }
      if (g_signal == SIGINT) break;
      const auto [rows, columns] = terminal_size();
      write_all("\x1b[H\x1b[2J" + watch_screen(body, interval, std::chrono::system_clock::now(), rows, columns));
      if (wait_for_key(interval, raise_after) != Wake::redraw) break;
    }
  }
  // The terminal and the previous handlers are back: now let SIGTERM/SIGHUP
  // do what they would have done.
  if (raise_after != 0) ::raise(raise_after);
  return kExitOk;
}

}  // namespace herd::cli::console
