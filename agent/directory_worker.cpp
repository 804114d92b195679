#include "agent/directory_worker.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/eventfd.h>
#include <unistd.h>

namespace herd::agent {

DirectoryWorker::DirectoryWorker(directory::ApplyOptions options) : applier_(std::move(options)) {}

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
    {
      std::lock_guard lock(mutex_);
      done_ = std::move(outcome);  // an older result not yet taken is superseded
    }
    const uint64_t one = 1;
    (void)::write(event_fd_, &one, sizeof one);
  }
}

}  // namespace herd::agent
