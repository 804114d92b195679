// Directory apply into temporary roots (SPEC §10):
//   first time   10,000 users / 1,000 groups / 20,000 ssh keys   <= 150 ms
//   unchanged    the same again                                  <= 15 ms, zero writes
//   one added    the same plus one user                          <= 10 ms
// each two ways: BM_Apply* call apply_directory, which knows nothing from
// earlier applies (a process that applies once); BM_Applier* keep one
// DirectoryApplier across applies, as the agent does.
// Roots live under $HERD_BENCH_DIR (default /tmp); point it at a tmpfs to
// measure what a diskless node (tmpfs root) sees.
//
//   bench-directory-apply                          run the benchmarks
//   bench-directory-apply emit-yaml N FILE         write the N-user directory as YAML
//   bench-directory-apply once WHAT N ROOT [kept]  one apply into the fresh root ROOT, for
//                                                  strace -c and callgrind (WHAT: first,
//                                                  unchanged or added; the setup applies
//                                                  are not the one measured; `kept`: one
//                                                  DirectoryApplier for all of them)

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <malloc.h>
#include <sys/resource.h>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "bench/directory/synthetic_directory.hpp"
#include "directory/applier.hpp"
#include "directory/apply.hpp"
#include "directory/offline_apply.hpp"

namespace herd::bench {
namespace {

std::string scratch_base() {
  const char* dir = std::getenv("HERD_BENCH_DIR");
  return dir != nullptr ? dir : "/tmp";
}

// A fresh root with base /etc files, removed when it goes out of scope.
class Root {
 public:
  Root() {
    std::string pattern = scratch_base() + "/herd-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
    make_base_root(path_);
  }
  ~Root() { std::filesystem::remove_all(path_); }
  Root(const Root&) = delete;
  Root& operator=(const Root&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

protocol::DirectoryApplyResult apply(const protocol::Directory& d, const Root& root) {
  directory::ApplyOptions o;
  o.root = root.path();
  auto r = directory::apply_directory(d, o);
  if (!r.applied || !r.errors.empty()) {
    std::cerr << "apply failed: " << (r.errors.empty() ? "?" : r.errors.front()) << "\n";
    std::abort();
  }
  return r;
}

Shape shape_of(const benchmark::State& state) {
  return {static_cast<uint32_t>(state.range(0)), static_cast<uint32_t>(state.range(0) / 10), 2};
}

void report(benchmark::State& state, const protocol::DirectoryApplyResult& r) {
  state.counters["files_written"] = r.files_written;
  state.counters["etc_files_written"] = static_cast<double>(r.etc_files_written.size());
}

void BM_ApplyFirstTime(benchmark::State& state) {
  const auto d = synthetic_directory(shape_of(state));
  protocol::DirectoryApplyResult last;
  for (auto _ : state) {
    state.PauseTiming();
    {
      auto root = std::make_unique<Root>();
      state.ResumeTiming();
      last = apply(d, *root);
      state.PauseTiming();
    }
    state.ResumeTiming();
  }
  report(state, last);
}

// The two ways revisions are applied: afresh each time (`herd-agent apply`,
// an agent's first revision) and by the agent's kept DirectoryApplier.
class FreshApply {
 public:
  explicit FreshApply(const Root& root) : root_(root) {}
  protocol::DirectoryApplyResult operator()(const protocol::Directory& d) { return apply(d, root_); }

 private:
  const Root& root_;
};

class KeptApplier {
 public:
  explicit KeptApplier(const Root& root) : applier_(options(root)) {}
  protocol::DirectoryApplyResult operator()(const protocol::Directory& d) {
    auto r = applier_.apply(d);
    if (!r.applied || !r.errors.empty()) {
      std::cerr << "apply failed: " << (r.errors.empty() ? "?" : r.errors.front()) << "\n";
      std::abort();
    }
    return r;
  }

 private:
  static directory::ApplyOptions options(const Root& root) {
    directory::ApplyOptions o;
    o.root = root.path();
    return o;
  }
  directory::DirectoryApplier applier_;
};

template <class Way>
void unchanged(benchmark::State& state) {
  const auto d = synthetic_directory(shape_of(state));
  Root root;
  Way apply_once(root);
  apply_once(d);
  protocol::DirectoryApplyResult last;
  for (auto _ : state) last = apply_once(d);
  report(state, last);
  if (last.files_written != 0) state.SkipWithError("an unchanged apply wrote files");
}

template <class Way>
void one_user_added(benchmark::State& state) {
  const Shape shape = shape_of(state);
  auto d = synthetic_directory(shape);
  Root root;
  Way apply_once(root);
  apply_once(d);
  protocol::DirectoryApplyResult last;
  uint32_t next = shape.users;
  for (auto _ : state) {
    state.PauseTiming();
    d.users.push_back(synthetic_user(next++, shape));
    state.ResumeTiming();
    last = apply_once(d);
  }
  report(state, last);
  if (last.users_added != 1) state.SkipWithError("expected exactly one user added");
}

void BM_ApplyUnchanged(benchmark::State& state) { unchanged<FreshApply>(state); }
void BM_ApplyOneUserAdded(benchmark::State& state) { one_user_added<FreshApply>(state); }
void BM_ApplierUnchanged(benchmark::State& state) { unchanged<KeptApplier>(state); }
void BM_ApplierOneUserAdded(benchmark::State& state) { one_user_added<KeptApplier>(state); }

// The whole `herd-agent apply FILE --root DIR`: YAML parse, validation, apply.
void BM_OfflineApplyFirstTime(benchmark::State& state) {
  const Root files;
  const std::string yaml = files.path() + "/directory.yaml";
  std::ofstream(yaml) << to_yaml(synthetic_directory(shape_of(state)));
  for (auto _ : state) {
    state.PauseTiming();
    {
      auto root = std::make_unique<Root>();
      std::ostringstream out, err;
      state.ResumeTiming();
      const int status = directory::run_offline_apply(yaml, root->path(), false, out, err);
      state.PauseTiming();
      if (status != 0) state.SkipWithError(err.str().c_str());
    }
    state.ResumeTiming();
  }
}

BENCHMARK(BM_ApplyFirstTime)->Arg(300)->Arg(10'000)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_ApplyUnchanged)->Arg(300)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ApplyOneUserAdded)->Arg(300)->Arg(10'000)->Unit(benchmark::kMillisecond)->Iterations(20);
BENCHMARK(BM_ApplierUnchanged)->Arg(300)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ApplierOneUserAdded)->Arg(300)->Arg(10'000)->Unit(benchmark::kMillisecond)->Iterations(50);
BENCHMARK(BM_OfflineApplyFirstTime)->Arg(10'000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace herd::bench

struct CpuTimes {
  int64_t user_us = 0, system_us = 0;
};
CpuTimes cpu_times() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return {u.ru_utime.tv_sec * 1'000'000 + u.ru_utime.tv_usec, u.ru_stime.tv_sec * 1'000'000 + u.ru_stime.tv_usec};
}

std::size_t heap_in_use() { return ::mallinfo2().uordblks; }

// The apply `once` measures, by a name callgrind can toggle on.
[[gnu::noinline]] herd::protocol::DirectoryApplyResult measured_apply(const herd::protocol::Directory& d,
                                                                     herd::directory::DirectoryApplier& applier) {
  return applier.apply(d);
}

// `once`: prepares ROOT as the benchmark does, then runs the one apply to be
// profiled (callgrind: --toggle-collect='measured_apply*'; see docs/performance.md).
int apply_once(std::string_view what, uint32_t n, const std::string& root, bool kept) {
  using namespace herd;
  const bench::Shape shape{n, n / 10 == 0 ? 1 : n / 10, 2};
  auto d = bench::synthetic_directory(shape);
  bench::make_base_root(root);
  directory::ApplyOptions o;
  o.root = root;
  const std::size_t heap_before = heap_in_use();
  directory::DirectoryApplier applier(o);
  if (what != "first") (void)applier.apply(d);
  if (kept) std::cout << fmt::format("applier keeps {} KiB of heap\n", (heap_in_use() - heap_before) / 1024);
  if (what == "added") d.users.push_back(bench::synthetic_user(n, shape));
  // Not kept: the measured apply starts from nothing, as apply_directory does.
  if (!kept) applier = directory::DirectoryApplier(o);
  const CpuTimes before = cpu_times();
  const auto r = measured_apply(d, applier);
  const CpuTimes after = cpu_times();
  std::cout << fmt::format("{}: {} us wall, {} us user, {} us system, {} files written, {} errors\n", what,
                           r.duration_us, after.user_us - before.user_us, after.system_us - before.system_us,
                           r.files_written, r.errors.size());
  return r.applied && r.errors.empty() ? 0 : 1;
}

int main(int argc, char** argv) {
  if ((argc == 5 || argc == 6) && std::string_view(argv[1]) == "once") {
    return apply_once(argv[2], static_cast<uint32_t>(std::stoul(argv[3])), argv[4],
                      argc == 6 && std::string_view(argv[5]) == "kept");
  }
  if (argc == 4 && std::string_view(argv[1]) == "emit-yaml") {
    const auto n = static_cast<uint32_t>(std::stoul(argv[2]));
    std::ofstream(argv[3]) << herd::bench::to_yaml(herd::bench::synthetic_directory({n, n / 10 == 0 ? 1 : n / 10, 2}));
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
