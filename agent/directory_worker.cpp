#include "agent/directory_worker.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/eventfd.h>
#include <unistd.h>

#include "agent/linger_transitions.hpp"
#include "agent/logind_linger.hpp"

namespace herd::agent {

DirectoryWorker::DirectoryWorker(directory::ApplyOptions options)
    : tell_logind_(options.root == "/"), applier_(std::move(options)) {}

DirectoryWorker::~DirectoryWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (event_fd_ >= 0) ::close(event_fd_);
}

Status DirectoryWorker::start() {
  event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) return fail("failed to create an eventfd: {}", std::strerror(errno));
  thread_ = std::thread([this] { run(); });
  return {};
}

void DirectoryWorker::submit(DirectoryWork work) {
  {
    std::lock_guard lock(mutex_);
    waiting_ = std::move(work);
  }
  wake_.notify_one();
}

std::optional<DirectoryOutcome> DirectoryWorker::take() {
  uint64_t count = 0;
  (void)::read(event_fd_, &count, sizeof count);
  std::lock_guard lock(mutex_);
  return std::exchange(done_, std::nullopt);
}

void DirectoryWorker::run() {
  // Signals belong to the event loop's signalfd.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  for (;;) {
    DirectoryWork work;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return waiting_.has_value() || stopping_; });
      if (stopping_) return;
      work = std::move(*waiting_);
      waiting_.reset();
    }
    DirectoryOutcome outcome{work.revision, applier_.apply(work.directory)};
    if (tell_logind_ && outcome.result.applied) tell_logind(work.directory, outcome.result);
    {
      std::lock_guard lock(mutex_);
      done_ = std::move(outcome);  // an older result not yet taken is superseded
    }
    const uint64_t one = 1;
    (void)::write(event_fd_, &one, sizeof one);
  }
}

void DirectoryWorker::tell_logind(const protocol::Directory& directory, protocol::DirectoryApplyResult& result) {
  auto t = linger_transitions(linger_told_, directory);
  if (t.enable.empty() && t.disable.empty()) return;
  auto logind = LogindLinger::connect();
  if (!logind) {
    result.warnings.push_back(fmt::format("linger flags written, but user managers not started: {}",
                                          logind.error().message));
    return;  // nothing recorded as told: the next apply tries again
  }
  for (const auto& u : t.enable) {
    if (auto s = logind->set(u.uid, true); !s) {
      result.warnings.push_back(fmt::format("user {}: linger flag written, manager not started: {}", u.name,
                                            s.error().message));
      t.lingering.erase(u.uid);  // told next time
    }
  }
  for (const auto& u : t.disable) {
    if (auto s = logind->set(u.uid, false); !s) {
      result.warnings.push_back(fmt::format("user {}: linger flag removed, logind not told: {}", u.name,
                                            s.error().message));
      t.lingering.insert(u.uid);  // told next time
    }
  }
  spdlog::debug("logind told: {} users linger, {} no longer", t.enable.size(), t.disable.size());
  linger_told_ = std::move(t.lingering);
}

}  // namespace herd::agent
