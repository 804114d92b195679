#include "cli/console/console.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include <fcntl.h>
#include <histedit.h>
#include <unistd.h>

#include "cli/console/completion.hpp"
#include "cli/console/history_file.hpp"
#include "cli/console/line_split.hpp"
#include "cli/console/node_names.hpp"
#include "cli/console/watch.hpp"
#include "cli/exit_codes.hpp"
#include "cli/table.hpp"
#include "common/duration.hpp"

extern "C" unsigned char _el_fn_complete(EditLine* el, int ch);  // libedit's file-name completer (exported, not declared)

namespace herd::cli::console {
namespace {

constexpr const char* kPrompt = "herd> ";
constexpr auto kMinWatchInterval = std::chrono::milliseconds{100};
constexpr auto kMaxWatchInterval = std::chrono::hours{1};

CommandNode word(std::string name, std::string help) {
  CommandNode node;
  node.name = std::move(name);
  node.help = std::move(help);
  return node;
}

// The console's own words, completed like the CLI's.
void add_builtins(CommandNode& root) {
  CommandNode watch = word("watch", "redraw the cluster table every INTERVAL (1s) until a key is pressed");
  PositionalInfo interval;
  interval.name = "interval";
  watch.positionals.push_back(interval);
  root.children.push_back(std::move(watch));
  root.children.push_back(word("help", "the commands"));
  root.children.push_back(word("exit", "leave the console"));
  root.children.push_back(word("quit", "leave the console"));
  std::erase_if(root.children, [](const CommandNode& c) { return c.name == "console"; });
}

volatile std::sig_atomic_t g_interrupted = 0;
volatile std::sig_atomic_t g_fatal = 0;  // SIGTERM or SIGHUP: leave, terminal restored first

enum class Next { prompt, leave };

class Console {
 public:
  explicit Console(ConsoleSetup setup) : setup_(std::move(setup)), node_names_(setup_.config) {
    add_builtins(setup_.commands);
  }

  // One line: split, then a builtin or `herd WORDS`. Never throws.
  Next handle(const std::string& line, const std::string& where) {
    auto words = split_line(line);
    if (!words) {
      report(where, words.error().message);
      last_status_ = kExitUsage;
      return Next::prompt;
    }
    if (words->empty()) return Next::prompt;
    const std::string& first = words->front();
    if (first == "exit" || first == "quit") return Next::leave;
    last_status_ = dispatch(*words, where);
    std::cout.flush();
    std::fflush(stdout);
    std::fflush(stderr);
    return Next::prompt;
  }

  int last_status() const { return last_status_; }
  const CommandNode& commands() const { return setup_.commands; }
  NodeNames& node_names() { return node_names_; }

 private:
  static void report(const std::string& where, const std::string& message) {
    std::fprintf(stderr, "herd: %s%s\n", where.c_str(), message.c_str());
  }

  int dispatch(const std::vector<std::string>& words, const std::string& where) {
    const std::string& first = words.front();
    try {
      if (first == "watch") return watch(words, where);
      if (first == "help") {
        const int status = setup_.run_command({"--help"});
        std::cout.flush();
        std::printf("\nIn the console also: watch [INTERVAL], help, exit, quit (or Ctrl-D). "
                    "COMMAND --help tells more.\n");
        return status;
      }
      if (first == "console") {
        report(where, "already in the console");
        return kExitUsage;
      }
      if (first.front() != '-' && !is_command(first)) return unknown_command(first, where);
      return setup_.run_command(words);
    } catch (const std::exception& e) {
      // A command that throws must not take the console down with it.
      // Ctrl-C while a command waits for the controller lands here (EINTR).
      report(where, g_interrupted != 0 ? std::string("interrupted") : std::string("command failed: ") + e.what());
      return kExitError;
    }
  }

  bool is_command(const std::string& word) const {
    return std::any_of(setup_.commands.children.begin(), setup_.commands.children.end(),
                       [&](const CommandNode& c) { return c.name == word; });
  }

  // CLI11 would only say "A subcommand is required": name the word, and guess.
  int unknown_command(const std::string& word, const std::string& where) const {
    std::string message = "unknown command \"" + printable(word) + "\"";
    const auto near = nearest_commands(setup_.commands, word);
    for (std::size_t i = 0; i < near.size(); ++i) message += (i == 0 ? "; did you mean " : " or ") + near[i];
    report(where, message + (near.empty() ? "? (help lists the commands)" : "?"));
    return kExitUsage;
  }

  int watch(const std::vector<std::string>& words, const std::string& where) {
    std::chrono::milliseconds interval{1000};
    if (words.size() > 2) {
      report(where, "usage: watch [INTERVAL], e.g. watch 2s");
      return kExitUsage;
    }
    if (words.size() == 2) {
      auto parsed = parse_duration(words[1]);
      if (!parsed || *parsed < kMinWatchInterval || *parsed > kMaxWatchInterval) {
        report(where, "watch: \"" + words[1] + "\" is not an interval between 100ms and 1h (e.g. 2s)");
        return kExitUsage;
      }
      interval = *parsed;
    }
    return run_watch(setup_.config, interval);
  }

  ConsoleSetup setup_;
  NodeNames node_names_;
  int last_status_ = kExitOk;
};

// ---- piped input -----------------------------------------------------------

int run_piped(Console& console) {
  std::string line;
  int failed = kExitOk;
  for (std::size_t number = 1;; ++number) {
    const LineRead read = read_line(std::cin, line);
    if (read == LineRead::end) break;
    const std::string where = "line " + std::to_string(number) + ": ";
    if (read == LineRead::too_long) {
      std::fprintf(stderr, "herd: %sline too long (at most %zu bytes)\n", where.c_str(), kMaxLineBytes);
      failed = kExitUsage;
      continue;
    }
    if (console.handle(line, where) == Next::leave) break;
    if (console.last_status() != kExitOk) failed = console.last_status();
  }
  return failed;
}

// ---- terminal: libedit ------------------------------------------------------

extern "C" void note_interrupt(int) { g_interrupted = 1; }
extern "C" void note_fatal(int sig) { g_fatal = sig; }

const char* prompt(EditLine*) { return kPrompt; }

void insert(EditLine* el, const std::string& text) { el_insertstr(el, text.c_str()); }

constexpr std::size_t kMaxListed = 200;  // a thousand node names help no one: type more letters

void list_candidates(const std::vector<std::string>& candidates) {
  if (candidates.size() > kMaxListed) {
    std::printf("\n(%zu candidates; type more letters)\n", candidates.size());
    std::fflush(stdout);
    return;
  }
  std::size_t width = 0;
  for (const auto& c : candidates) width = std::max(width, c.size());
  const std::size_t per_line = std::max<std::size_t>(1, 78 / (width + 2));
  std::string out = "\n";
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    out += printable(candidates[i]);  // node names come from elsewhere
    if ((i + 1) % per_line == 0 || i + 1 == candidates.size()) {
      out += "\n";
    } else {
      out += std::string(width + 2 - candidates[i].size(), ' ');
    }
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

extern "C" unsigned char complete_word(EditLine* el, int ch) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  auto* console = static_cast<Console*>(data);
  const LineInfo* info = el_line(el);
  const std::string before(info->buffer, static_cast<std::size_t>(info->cursor - info->buffer));
  Completion completion;
  try {
    completion = complete(console->commands(), before, {});
    if (completion.wants_nodes) completion = complete(console->commands(), before, console->node_names().get());
  } catch (const std::exception&) {
    return CC_REFRESH_BEEP;
  }
  if (completion.candidates.empty()) {
    if (completion.wants_file) return _el_fn_complete(el, ch);
    return CC_REFRESH_BEEP;
  }
  if (completion.candidates.size() == 1) {
    insert(el, completion.candidates.front().substr(completion.word.size()) + " ");
    return CC_REFRESH;
  }
  const std::string prefix = common_prefix(completion.candidates);
  if (prefix.size() > completion.word.size()) {
    insert(el, prefix.substr(completion.word.size()));
    return CC_REFRESH;
  }
  list_candidates(completion.candidates);
  return CC_REDISPLAY;
}

class History {
 public:
  History() : history_(history_init()) {
    HistEvent event;
    ::history(history_, &event, H_SETSIZE, kHistoryEntries);
    ::history(history_, &event, H_SETUNIQUE, 1);
    const auto path = history_path(std::getenv("XDG_STATE_HOME"), std::getenv("HOME"));
    if (!path) {
      std::fprintf(stderr, "herd: no HOME or XDG_STATE_HOME: history is not kept\n");
      return;
    }
    if (auto s = prepare_history_dir(*path); !s) {
      std::fprintf(stderr, "herd: history is not kept: %s\n", s.error().message.c_str());
      return;
    }
    path_ = *path;
    if (::access(path_.c_str(), F_OK) == 0) ::history(history_, &event, H_LOAD, path_.c_str());
  }
  ~History() { history_end(history_); }
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  ::History* raw() { return history_; }

  // Remembers `line` and writes the file at once (a console killed later
  // keeps it): to a 0600 temporary, then renamed over the old one.
  void add(const std::string& line) {
    HistEvent event;
    ::history(history_, &event, H_ENTER, line.c_str());
    if (path_.empty()) return;
    const std::string temporary = path_ + ".tmp";
    ::unlink(temporary.c_str());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE* file = fd < 0 ? nullptr : ::fdopen(fd, "w");
    if (file == nullptr) {
      if (fd >= 0) ::close(fd);
      warn_once(std::strerror(errno));
      return;
    }
    const int saved = ::history(history_, &event, H_SAVE_FP, file);
    const bool flushed = std::fflush(file) == 0 && ::fsync(fd) == 0;
    std::fclose(file);
    if (saved < 0 || !flushed || ::rename(temporary.c_str(), path_.c_str()) != 0) {
      ::unlink(temporary.c_str());
      warn_once("cannot write it");
    }
  }

 private:
  void warn_once(const std::string& why) {
    if (warned_) return;
    warned_ = true;
    std::fprintf(stderr, "herd: history %s: %s\n", path_.c_str(), why.c_str());
  }

  ::History* history_;
  std::string path_;
  bool warned_ = false;
};

// Ctrl-C interrupts the line being edited (el_gets returns with EINTR), it
// does not end the console. SIGTERM and SIGHUP end it, but only once libedit
// has put the terminal back. SA_RESTART is off for exactly that.
class InterruptScope {
 public:
  InterruptScope() {
    struct sigaction action {};
    action.sa_handler = note_interrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &previous_int_);
    action.sa_handler = note_fatal;
    ::sigaction(SIGTERM, &action, &previous_term_);
    ::sigaction(SIGHUP, &action, &previous_hup_);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, &previous_pipe_);  // a closed pipe is an error to report, not death
  }
  ~InterruptScope() {
    ::sigaction(SIGINT, &previous_int_, nullptr);
    ::sigaction(SIGTERM, &previous_term_, nullptr);
    ::sigaction(SIGHUP, &previous_hup_, nullptr);
    ::sigaction(SIGPIPE, &previous_pipe_, nullptr);
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
  struct sigaction previous_hup_ {};
  struct sigaction previous_pipe_ {};
};

int run_terminal(Console& console, const char* program) {
  History history;
  std::unique_ptr<EditLine, void (*)(EditLine*)> el(el_init(program, stdin, stdout, stderr), el_end);
  if (!el) {
    std::fprintf(stderr, "herd: cannot start line editing\n");
    return kExitError;
  }
  el_set(el.get(), EL_EDITOR, "emacs");
  el_set(el.get(), EL_PROMPT, prompt);
  el_set(el.get(), EL_HIST, ::history, history.raw());
  el_set(el.get(), EL_CLIENTDATA, &console);
  // The wide call: libedit keeps these pointers as they are, where the
  // narrow el_set copies them with wcsdup and never frees the copies.
  el_wset(el.get(), EL_ADDFN, L"herd-complete", L"complete a command, option or node name", complete_word);
  el_set(el.get(), EL_BIND, "^I", "herd-complete", nullptr);
  el_source(el.get(), nullptr);  // the user's ~/.editrc, if any

  std::printf("herd console: commands as in `herd --help`, plus watch; Tab completes, Ctrl-D leaves\n");
  std::fflush(stdout);
  g_fatal = 0;
  while (g_fatal == 0) {
    InterruptScope interrupts;
    g_interrupted = 0;
    el_resize(el.get());  // the window may have changed while a command ran
    int count = 0;
    const char* raw = el_gets(el.get(), &count);
    if (g_fatal != 0) break;
    if (raw == nullptr) {
      if (count < 0 && g_interrupted != 0) {  // Ctrl-C: drop the line, new prompt
        el_reset(el.get());
        std::fputs("^C\n", stdout);
        std::fflush(stdout);
        continue;
      }
      std::fputs("\n", stdout);  // Ctrl-D (or the terminal went away)
      return kExitOk;
    }
    std::string line(raw, static_cast<std::size_t>(count));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    const Next next = console.handle(line, "");
    // Not `exit`: Up after a restart should bring back the last real command.
    if (next == Next::leave) return kExitOk;
    if (line.find_first_not_of(" \t") != std::string::npos) history.add(line);
  }
  // SIGTERM or SIGHUP: the terminal back as it was (el_end), then die of it.
  const int sig = g_fatal;
  el.reset();
  std::fflush(stdout);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
  return 128 + sig;
}

}  // namespace

int run_console(ConsoleSetup setup) {
  Console console(std::move(setup));
  if (::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1) return run_terminal(console, "herd");
  return run_piped(console);
}

}  // namespace herd::cli::console
