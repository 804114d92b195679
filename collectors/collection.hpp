#pragma once
// How the agent's event loop drives the collectors without ever blocking.
//
// A Collection owns one worker thread. The loop asks for a report with
// request() and goes back to epoll; the worker runs every collector in turn
// (a slow bus call or a hung mount costs the worker at most its timeout,
// never the loop), applies the health checks, stores the NodeReport and makes
// ready_fd() readable. The loop, seeing ready_fd() readable, calls take().
//
//   auto collection = Collection::create(clock, make_collectors(config, checks, clock), checks);
//   epoll_ctl(ep, EPOLL_CTL_ADD, (*collection)->ready_fd(), {EPOLLIN, ...});
//   every report_interval (and at start):   (*collection)->request();
//   on EPOLLIN of ready_fd():               if (auto r = (*collection)->take()) send_report(*r);
//
// request() while a collection runs or a finished one has not been taken
// returns false and changes nothing: reports are never queued up behind a slow
// collection. ready_fd() is an eventfd; take() consumes its count.
//
// Mount probes that hang outlive the collection that started them (see
// prober.hpp); the collectors are destroyed with the Collection, after the
// worker has stopped, so destruction waits at most for one collection's timeouts.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "collectors/collector.hpp"
#include "collectors/config.hpp"
#include "collectors/health_checks.hpp"
#include "common/clock.hpp"

namespace herd::collectors {

// Runs `collectors` on the calling thread and applies `checks`: one whole report.
[[nodiscard]] protocol::NodeReport collect_report(const Clock& clock,
                                                  const std::vector<std::unique_ptr<Collector>>& collectors,
                                                  const HealthChecks& checks);

// Every collector `config` asks for. Mount points and units named by checks
// are measured even when [collectors] does not list them.
[[nodiscard]] std::vector<std::unique_ptr<Collector>> make_collectors(const CollectorsConfig& config,
                                                                      const HealthChecks& checks, const Clock& clock);

class Collection {
 public:
  // Starts the worker; an error when no eventfd can be had.
  [[nodiscard]] static Result<std::unique_ptr<Collection>> create(const Clock& clock,
                                                                  std::vector<std::unique_ptr<Collector>> collectors,
                                                                  HealthChecks checks);
  Collection(const Collection&) = delete;
  Collection& operator=(const Collection&) = delete;
  ~Collection();

  // Readable when a report is ready to take().
  [[nodiscard]] int ready_fd() const { return event_fd_; }
  // Starts a collection on the worker; false (and nothing happens) when one is running or waiting to be taken.
  bool request();
  // The finished report, if there is one; never blocks.
  [[nodiscard]] std::optional<protocol::NodeReport> take();

 private:
  Collection(const Clock& clock, std::vector<std::unique_ptr<Collector>> collectors, HealthChecks checks, int fd);
  void run();

  const Clock& clock_;
  std::vector<std::unique_ptr<Collector>> collectors_;
  HealthChecks checks_;
  int event_fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool running_ = false;
  bool stopping_ = false;
  std::optional<protocol::NodeReport> ready_;
  std::thread worker_;
};

}  // namespace herd::collectors
