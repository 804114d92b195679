#pragma once
// Calls that may never return — statvfs on a hard-mounted NFS export whose
// server died, getxattr on a CephFS whose monitors are gone — run here, each
// on a thread of its own, and are abandoned when they do not answer in time.
//
// Bounded: a key (a mount point) has at most one probe outstanding. While an
// abandoned probe is still stuck, asking again returns "hung since T" at once
// and starts no thread, so a hung mount costs one thread for as long as it
// hangs, not one per report. When the stuck call finally returns, its thread
// is joined and the next run probes afresh.
//
// A call must own everything it touches (capture paths by value): an
// abandoned call can outlive the Prober, which detaches it on destruction.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.hpp"

namespace herd::collectors {

template <typename T>
class Prober {
 public:
  struct Outcome {
    std::optional<T> value;  // empty: the call did not return in time
    WallTime started{};      // when the call that produced this outcome (or is stuck) started
  };
  using Call = std::function<T()>;

  explicit Prober(const Clock& clock) : clock_(clock) {}
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;
  ~Prober() {
    for (auto& [key, entry] : probes_) {
      if (entry.state->finished()) {
        entry.thread.join();
      } else {
        entry.thread.detach();  // it owns its state; it ends when the call does
      }
    }
  }

  // Starts every call at once and waits for all of them until `timeout` has
  // passed; returns one outcome per call, in order.
  std::vector<Outcome> run(const std::vector<std::pair<std::string, Call>>& calls, Millis timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<std::shared_ptr<State>> states;
    states.reserve(calls.size());
    for (const auto& [key, call] : calls) states.push_back(start(key, call));
    std::vector<Outcome> outcomes;
    outcomes.reserve(calls.size());
    for (const auto& state : states) {
      std::unique_lock lock(state->mutex);
      state->done.wait_until(lock, deadline, [&] { return state->value.has_value(); });
      outcomes.push_back(Outcome{state->value, state->started});
    }
    return outcomes;
  }

  // Probes started and not yet returned (hung ones included).
  [[nodiscard]] std::size_t outstanding() const {
    std::size_t n = 0;
    for (const auto& [key, entry] : probes_) n += entry.state->finished() ? 0u : 1u;
    return n;
  }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable done;
    std::optional<T> value;
    WallTime started{};
    bool finished() {
      std::lock_guard lock(mutex);
      return value.has_value();
    }
  };
  struct Entry {
    std::shared_ptr<State> state;
    std::thread thread;
  };

  std::shared_ptr<State> start(const std::string& key, const Call& call) {
    if (auto it = probes_.find(key); it != probes_.end()) {
      if (!it->second.state->finished()) return it->second.state;  // still stuck: do not pile up
      it->second.thread.join();
      probes_.erase(it);
    }
    auto state = std::make_shared<State>();
    state->started = clock_.wall();
    std::thread thread([state, call] {
      T value = call();
      std::lock_guard lock(state->mutex);
      state->value.emplace(std::move(value));
      state->done.notify_all();
    });
    probes_.emplace(key, Entry{state, std::move(thread)});
    return state;
  }

  const Clock& clock_;
  std::map<std::string, Entry> probes_;
};

}  // namespace herd::collectors
