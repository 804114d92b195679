// `herd console` driven through a real pseudo-terminal against a real
// controller and agents: keys in, screen out.

#include <csignal>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>

#include "tests/support/cluster.hpp"
#include "tests/support/pty_session.hpp"

namespace herd::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kUp = "\x1b[A";

class ConsoleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    cluster_->add_node("alpha");
    cluster_->add_node("bravo");
    cluster_->start_controller();
    cluster_->start_agent("alpha");
    cluster_->start_agent("bravo");
    if (!Cluster::eventually([] { return cluster_->node_state("alpha") == "up" && cluster_->node_state("bravo") == "up"; },
                             20s)) {
      throw std::runtime_error("agents did not come up: " + cluster_->controller_log());
    }
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  // A HOME of its own per test, unless a test shares one between two runs.
  std::vector<std::string> environment(const std::string& home) const {
    return {"HOME=" + home, "XDG_STATE_HOME=" + home + "/state", "TERM=xterm", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"};
  }

  std::unique_ptr<PtySession> console(const std::string& home, const std::string& config = "") {
    auto session = std::make_unique<PtySession>(
        std::vector<std::string>{binary("cli/herd"), "--config", config.empty() ? cluster_->dir() / "herd.toml" : config,
                                 "console"},
        environment(home));
    EXPECT_TRUE(session->expect("herd> ")) << session->screen();
    return session;
  }

  static Cluster* cluster_;
  TempDir home_;
};

Cluster* ConsoleTest::cluster_ = nullptr;

TEST_F(ConsoleTest, TabCompletesCommandWordsSubcommandsAndNodeNames) {
  auto c = console(home_.path());
  c->send("no\t");
  ASSERT_TRUE(c->expect("node ")) << c->screen();
  c->send("sh\t");
  ASSERT_TRUE(c->expect("show ")) << c->screen();
  c->send("br\t");  // a node name from the controller's status
  ASSERT_TRUE(c->expect("bravo ")) << c->screen();
  c->send("\r");
  ASSERT_TRUE(c->expect("node:")) << c->screen();
  ASSERT_TRUE(c->expect("bravo")) << c->screen();
  ASSERT_TRUE(c->expect("herd> ")) << c->screen();
  // Two candidates: Tab lists both.
  c->send("status \t");
  ASSERT_TRUE(c->expect("alpha")) << c->screen();
  ASSERT_TRUE(c->expect("bravo")) << c->screen();
  c->send("\x15" "exit\r");  // Ctrl-U clears the line
  EXPECT_EQ(c->wait(), 0) << c->screen();
}

TEST_F(ConsoleTest, HistoryIsKeptAcrossRunsInAPrivateFile) {
  {
    auto c = console(home_.path());
    c->send("events --limit 3\r");
    ASSERT_TRUE(c->expect("herd> ")) << c->screen();
    c->send("exit\r");
    ASSERT_EQ(c->wait(), 0);
  }
  const std::string file = home_ / "state/herd/console_history";
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0) << file;
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  {
    auto c = console(home_.path());
    c->send(kUp);  // the previous run's last command (not `exit`) comes back
    ASSERT_TRUE(c->expect("events --limit 3")) << c->screen();
    c->send("\r");
    ASSERT_TRUE(c->expect("herd> ")) << c->screen();
    c->send("\x04");  // Ctrl-D leaves
    EXPECT_EQ(c->wait(), 0) << c->screen();
  }
}

TEST_F(ConsoleTest, WatchShowsTheNodesAndReturnsOnAKey) {
  auto c = console(home_.path());
  c->send("watch 200ms\r");
  ASSERT_TRUE(c->expect("herd watch, every 200ms")) << c->screen();
  ASSERT_TRUE(c->expect("alpha")) << c->screen();
  ASSERT_TRUE(c->expect("bravo")) << c->screen();
  ASSERT_TRUE(c->expect("herd watch, every 200ms")) << "no redraw: " << c->screen();  // it redraws
  c->resize(10, 60);  // SIGWINCH: redraw at the new size, still watching
  ASSERT_TRUE(c->expect("herd watch")) << c->screen();
  c->send("q");
  ASSERT_TRUE(c->expect("herd> ")) << c->screen();
  EXPECT_NE(c->raw().find("\x1b[?1049l"), std::string::npos);  // left the alternate screen
  c->send("status alpha\r");  // the key was swallowed, the console works
  ASSERT_TRUE(c->expect("status alpha")) << c->screen();
  ASSERT_TRUE(c->expect("2 nodes: 2 up")) << c->screen();
  c->send("exit\r");
  EXPECT_EQ(c->wait(), 0) << c->screen();
}

TEST_F(ConsoleTest, WatchRestoresTheTerminalWhenKilled) {
  auto c = console(home_.path());
  c->send("watch\r");
  ASSERT_TRUE(c->expect("alpha")) << c->screen();
  EXPECT_EQ(c->local_flags() & ICANON, 0U);  // raw while watching
  c->signal(SIGTERM);
  EXPECT_EQ(c->wait(), 128 + SIGTERM);
  EXPECT_NE(c->local_flags() & ICANON, 0U);
  EXPECT_NE(c->local_flags() & ECHO, 0U);
  EXPECT_NE(c->raw().find("\x1b[?25h\x1b[?1049l"), std::string::npos);
}

TEST_F(ConsoleTest, SigtermAtThePromptRestoresTheTerminal) {
  auto c = console(home_.path());
  c->send("sta");
  ASSERT_TRUE(c->expect("sta")) << c->screen();
  EXPECT_EQ(c->local_flags() & ICANON, 0U);  // libedit edits in raw mode
  c->signal(SIGTERM);
  EXPECT_EQ(c->wait(), 128 + SIGTERM);
  EXPECT_NE(c->local_flags() & ICANON, 0U);
  EXPECT_NE(c->local_flags() & ECHO, 0U);
}

TEST_F(ConsoleTest, WatchEndsOnCtrlCAndTheConsoleStays) {
  auto c = console(home_.path());
  c->send("watch\r");
  ASSERT_TRUE(c->expect("bravo")) << c->screen();
  c->send("\x03");
  ASSERT_TRUE(c->expect("herd> ")) << c->screen();
  c->send("exit\r");
  EXPECT_EQ(c->wait(), 0) << c->screen();
}

TEST_F(ConsoleTest, TyposAndBadArgumentsGiveAnErrorAndANewPrompt) {
  auto c = console(home_.path());
  c->send("stauts\r");
  ASSERT_TRUE(c->expect("unknown command \"stauts\"; did you mean status?")) << c->screen();
  c->send("status --jsno\r");  // CLI11's own message for a bad option
  ASSERT_TRUE(c->expect("--jsno")) << c->screen();
  ASSERT_TRUE(c->expect("herd> ")) << c->screen();
  c->send("node show 'alpha\r");
  ASSERT_TRUE(c->expect("unclosed single quote (opened at column 11)")) << c->screen();
  c->send("events --since yesterday-ish\r");
  ASSERT_TRUE(c->expect("neither a time")) << c->screen();
  c->send("node show nosuchnode\r");
  ASSERT_TRUE(c->expect("nosuchnode")) << c->screen();
  c->send("status --help\r");
  ASSERT_TRUE(c->expect("--json")) << c->screen();
  c->send("watch forever\r");
  ASSERT_TRUE(c->expect("not an interval")) << c->screen();
  c->send("console\r");
  ASSERT_TRUE(c->expect("already in the console")) << c->screen();
  c->send("stat\x03");  // Ctrl-C drops the line
  ASSERT_TRUE(c->expect("^C")) << c->screen();
  c->send("status\r");
  ASSERT_TRUE(c->expect("2 nodes: 2 up")) << c->screen();
  c->send("quit\r");
  EXPECT_EQ(c->wait(), 0) << c->screen();
}

TEST_F(ConsoleTest, UnreachableControllerIsAMessageNotAnExit) {
  const std::string config = home_ / "nowhere.toml";
  std::ofstream(config) << "socket = \"ipc://" << (home_ / "nothing.sock") << "\"\ntimeout = \"300ms\"\n";
  auto c = console(home_.path(), config);
  c->send("status\r");
  ASSERT_TRUE(c->expect("cannot reach herd")) << c->screen();
  ASSERT_TRUE(c->expect("herd> ")) << c->screen();
  c->send("no\t");  // completion without node names still completes commands
  ASSERT_TRUE(c->expect("node ")) << c->screen();
  c->send("\x15" "watch\r");
  ASSERT_TRUE(c->expect("cannot reach herd")) << c->screen();
  c->send(" ");
  ASSERT_TRUE(c->expect("herd> ")) << c->screen();
  c->send("exit\r");
  EXPECT_EQ(c->wait(), 0) << c->screen();
}

TEST_F(ConsoleTest, CtrlCInterruptsACommandWaitingForASilentController) {
  // A socket that accepts and never answers: a hung controller.
  const std::string path = home_ / "silent.sock";
  const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  const std::string config = home_ / "silent.toml";
  std::ofstream(config) << "socket = \"ipc://" << path << "\"\ntimeout = \"30s\"\n";
  auto c = console(home_.path(), config);
  c->send("status\r");
  ASSERT_TRUE(c->expect("status")) << c->screen();
  // Two connections: herd's probe (closed at once), then ZeroMQ's, made
  // while the command waits for the answer.
  std::vector<int> accepted;
  for (int i = 0; i < 2; ++i) {
    pollfd fd{listener, POLLIN, 0};
    ASSERT_EQ(::poll(&fd, 1, 10000), 1) << "herd did not connect";
    accepted.push_back(::accept(listener, nullptr, nullptr));
  }
  const auto start = std::chrono::steady_clock::now();
  c->send("\x03");
  ASSERT_TRUE(c->expect("herd: interrupted")) << c->screen();
  ASSERT_TRUE(c->expect("herd> ")) << c->screen();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // not the 30 s timeout
  c->send("exit\r");
  EXPECT_EQ(c->wait(), 0) << c->screen();
  for (int fd : accepted) ::close(fd);
  ::close(listener);
}

TEST_F(ConsoleTest, PipedInputRunsLineByLineForScripts) {
  const std::string script = home_ / "script";
  std::ofstream(script) << "# a comment\nstatus\nnode show 'alpha'\nbogus\n" << std::string(100000, 'z')
                         << "\nnode show bravo\n";
  const auto r = run_command({"/bin/sh", "-c",
                              binary("cli/herd") + " --config " + cluster_->dir() / "herd.toml" + " console < " + script},
                             10s, {"HOME=" + home_.path()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;  // the last failure: bogus
  EXPECT_NE(r.out.find("2 nodes: 2 up"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("node:         alpha"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("node:         bravo"), std::string::npos) << r.out;  // ran on past the typo
  EXPECT_NE(r.err.find("line 4: unknown command \"bogus\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 5: line too long (at most 65536 bytes)"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("herd> "), std::string::npos) << "no prompt for scripts: " << r.out;
  EXPECT_FALSE(std::filesystem::exists(home_ / ".local/state/herd/console_history"));  // scripts leave no history
}

}  // namespace
}  // namespace herd::test
