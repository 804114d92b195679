#include "collectors/cgroups.hpp"

#include <dirent.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "collectors/text.hpp"
#include "common/atomic_file.hpp"

namespace herd::collectors {
namespace {

// Reads a small cgroup file; nullopt when it does not exist (controller not enabled).
Result<std::optional<std::string>> read_optional(const std::string& path) {
  auto text = read_file(path, 64 * 1024);
  if (text) return std::optional<std::string>{std::move(*text)};
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return std::optional<std::string>{};
  return std::move(text).error();
}

// Reads `file` of `directory` through `parse` into `out`; absent files leave `out` alone.
template <typename Parse, typename Out>
Status read_into(const std::string& directory, const char* file, Parse parse, Out& out) {
  auto text = read_optional(directory + "/" + file);
  if (!text) return std::move(text).error();
  if (!*text) return {};
  auto value = parse(**text);
  if (!value) return context(std::move(value).error(), "{}", file);
  out = *value;
  return {};
}

Result<uint64_t> parse_count(std::string_view text) {
  uint64_t value = 0;
  if (!text::to_unsigned(text::trim(text), value)) return fail("expected a number, got \"{}\"", text.substr(0, 40));
  return value;
}

}  // namespace

Result<std::optional<uint64_t>> parse_cgroup_limit(std::string_view text) {
  const std::string_view value = text::trim(text);
  if (value == "max") return std::optional<uint64_t>{};
  uint64_t number = 0;
  if (!text::to_unsigned(value, number)) return fail("expected a number or \"max\", got \"{}\"", value.substr(0, 40));
  return std::optional<uint64_t>{number};
}

Result<CpuMax> parse_cpu_max(std::string_view text) {
  std::string_view rest = text::trim(text);
  const std::string_view quota = text::next_token(rest), period = text::next_token(rest);
  CpuMax max;
  if (!text::to_unsigned(period, max.period_us) || max.period_us == 0 || !text::trim(rest).empty()) {
    return fail("expected \"<quota|max> <period>\", got \"{}\"", text.substr(0, 40));
  }
  if (quota != "max") {
    uint64_t q = 0;
    if (!text::to_unsigned(quota, q)) return fail("expected \"<quota|max> <period>\", got \"{}\"", text.substr(0, 40));
    max.quota_us = q;
  }
  return max;
}

Result<uint64_t> parse_cpu_stat_usage(std::string_view text) {
  while (!text.empty()) {
    std::string_view line = text::next_line(text);
    if (text::next_token(line) != "usage_usec") continue;
    uint64_t usage = 0;
    if (!text::to_unsigned(text::next_token(line), usage)) return fail("usage_usec: expected a number");
    return usage;
  }
  return fail("no usage_usec line");
}

Result<protocol::UserSlice> read_user_slice(const std::string& directory, uint32_t uid) {
  protocol::UserSlice slice;
  slice.uid = uid;
  std::optional<CpuMax> cpu_max;
  std::optional<std::optional<uint64_t>> memory_max, memory_high, tasks_max;
  std::optional<uint64_t> weight;
  for (Status s : {read_into(directory, "memory.current", parse_count, slice.memory_bytes),
                   read_into(directory, "memory.max", parse_cgroup_limit, memory_max),
                   read_into(directory, "memory.high", parse_cgroup_limit, memory_high),
                   read_into(directory, "memory.peak", parse_count, slice.memory_peak_bytes),
                   read_into(directory, "cpu.stat", parse_cpu_stat_usage, slice.cpu_usage_us),
                   read_into(directory, "cpu.max", parse_cpu_max, cpu_max),
                   read_into(directory, "cpu.weight", parse_count, weight),
                   read_into(directory, "pids.current", parse_count, slice.tasks),
                   read_into(directory, "pids.max", parse_cgroup_limit, tasks_max)}) {
    if (!s) return std::move(s).error();
  }
  if (memory_max) slice.memory_max_bytes = *memory_max;
  if (memory_high) slice.memory_high_bytes = *memory_high;
  if (tasks_max) slice.tasks_max = *tasks_max;
  if (cpu_max) {
    slice.cpu_quota_us = cpu_max->quota_us;
    slice.cpu_period_us = cpu_max->period_us;
  }
  if (weight) {
    if (*weight < 1 || *weight > 10000) return fail("cpu.weight {} is outside 1..10000", *weight);
    slice.cpu_weight = static_cast<uint32_t>(*weight);
  }
  return slice;
}

void CgroupsCollector::collect(protocol::NodeReport& report) {
  struct statfs st {};
  if (::statfs(root_.c_str(), &st) != 0) {
    add_error(report, name(), root_, fail("statfs: {}", std::strerror(errno)));
    return;
  }
  if (st.f_type != CGROUP2_SUPER_MAGIC) {
    add_error(report, name(), root_, fail("not a cgroup v2 hierarchy"));
    return;
  }
  const std::string parent = root_ + "/user.slice";
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(parent.c_str()), &::closedir);
  if (!dir) {
    if (errno != ENOENT) add_error(report, name(), parent, fail("cannot list: {}", std::strerror(errno)));
    return;  // no user.slice: no user has a session or lingers
  }
  std::vector<protocol::UserSlice> slices;
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string_view file = entry->d_name;
    uint32_t uid = 0;
    constexpr std::string_view prefix = "user-", suffix = ".slice";
    if (file.size() <= prefix.size() + suffix.size() || file.substr(0, prefix.size()) != prefix ||
        file.substr(file.size() - suffix.size()) != suffix ||
        !text::to_unsigned(file.substr(prefix.size(), file.size() - prefix.size() - suffix.size()), uid) ||
        !range_.contains(uid)) {
      continue;
    }
    const std::string path = parent + "/" + std::string(file);
    auto slice = read_user_slice(path, uid);
    if (!slice) {
      add_error(report, name(), path, slice.error());
      continue;
    }
    slices.push_back(std::move(*slice));
  }
  std::sort(slices.begin(), slices.end(), [](const auto& a, const auto& b) { return a.uid < b.uid; });
  for (auto& s : slices) report.slices.push_back(std::move(s));
}

}  // namespace herd::collectors
