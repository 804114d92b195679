#include "directory/apply.hpp"

#include <sys/stat.h>

#include "directory/applied_state.hpp"
#include "directory/fs_ops.hpp"
#include "directory/passwd_lock.hpp"
#include "directory/plan.hpp"
#include "directory/user_files.hpp"
#include "directory/validate.hpp"

namespace herd::directory {
namespace {

constexpr std::size_t kMaxEtcFile = 256u << 20;
constexpr EtcFile kEtcFiles[] = {EtcFile::passwd, EtcFile::shadow, EtcFile::group, EtcFile::gshadow};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto nl = text.find('\n', start);
    out.push_back(text.substr(start, nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// Modes and owners are kept; a file created new gets what shadow-utils
// gives it. shadow and gshadow never become world-readable, whatever they were.
FileOwnership owner_for(EtcFile f, const struct stat* existing, std::optional<uint32_t> shadow_gid) {
  const bool secret = f == EtcFile::shadow || f == EtcFile::gshadow;
  if (existing != nullptr) {
    const mode_t mode = existing->st_mode & (secret ? 07770 : 07777);
    return {mode, existing->st_uid, existing->st_gid};
  }
  if (!secret) return {0644, 0, 0};
  if (shadow_gid) return {0640, 0, *shadow_gid};
  return {0600, 0, 0};
}

class Apply {
 public:
  Apply(const protocol::Directory& d, const ApplyOptions& o, const Clock& clock)
      : d_(d), o_(o), clock_(clock), start_(clock.monotonic()) {
    prefix_ = o.root;
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
    etc_ = prefix_ + "/etc";
  }

  protocol::DirectoryApplyResult run() {
    // An unchanged directory is recognised before anything else, even
    // validation (it was validated when it was first applied).
    const uint64_t digest = directory_digest(d_);
    if (const auto last = read_state(false); last && unchanged(*last, digest)) return finish(true);
    if (!o_.validated) {
      const auto problems = validate_directory(d_);
      if (!problems.empty()) return refuse(format_diagnostics(problems, nullptr));
    }
    struct stat st {};
    if (::stat(etc_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return refuse({fmt::format("failed to apply: {} is not a directory", etc_)});
    }
    auto lock = PasswdLock::acquire(etc_, o_.lock_timeout);
    if (!lock) return refuse({lock.error().message});
    auto recovered = recover_etc_commit(etc_);
    if (!recovered) return refuse({recovered.error().message});
    if (*recovered) result_.warnings.push_back(fmt::format("completed an interrupted commit of the files in {}", etc_));

    const auto state = read_state(true);
    if (auto s = read_current(); !s) return refuse({s.error().message});
    const int64_t today = to_unix_ms(clock_.wall()) / 86'400'000;
    auto plan = plan_apply(d_, current_, state ? &*state : nullptr, today);
    if (!plan) return refuse(lines_of(plan.error().message));
    count(*plan);
    if (o_.dry_run) return finish(false);

    if (auto s = commit(*plan); !s) return refuse({s.error().message});
    UserFiles files(prefix_, d_, *plan);
    for (const UserWork& w : plan->work) plan->next_state.users[w.state_index].progress = files.ensure(w);
    for (const RemovedUser& r : plan->removed) files.remove(r);
    result_.files_written += files.files_written();
    move_into(result_.errors, files.errors());
    move_into(result_.warnings, files.warnings());
    if (files.files_written() > 0) {
      // One sync for all per-user files, before the state says they are done.
      if (auto s = sync_filesystem(prefix_.empty() ? "/" : prefix_); !s) result_.errors.push_back(s.error().message);
    }
    plan->next_state.directory_digest = digest;
    plan->next_state.etc_stamps = stamps();
    if (auto s = write_state(plan->next_state); !s) result_.errors.push_back(s.error().message);
    return finish(true);
  }

 private:
  static void move_into(std::vector<std::string>& to, std::vector<std::string>& from) {
    for (std::string& s : from) to.push_back(std::move(s));
  }

  Status read_current() {
    for (EtcFile f : kEtcFiles) {
      const std::size_t i = static_cast<std::size_t>(f);
      const std::string path = etc_ + "/" + std::string(etc_file_name(f));
      current_.label[i] = path;
      auto text = read_if_exists(path, kMaxEtcFile);
      if (!text) return std::move(text).error();
      if (*text) {
        current_.text[i] = std::move(**text);
        exists_[i] = ::stat(path.c_str(), &stat_[i]) == 0;
      }
    }
    return {};
  }

  std::array<FileStamp, kEtcFileCount> stamps() const {
    std::array<FileStamp, kEtcFileCount> out{};
    for (EtcFile f : kEtcFiles) {
      struct stat st {};
      if (::stat((etc_ + "/" + std::string(etc_file_name(f))).c_str(), &st) != 0) continue;
      out[static_cast<std::size_t>(f)] = {static_cast<uint64_t>(st.st_size),
                                          static_cast<uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000u +
                                              static_cast<uint64_t>(st.st_mtim.tv_nsec),
                                          static_cast<uint64_t>(st.st_ino)};
    }
    return out;
  }

  // The same directory as last time, all its per-user work done, onto /etc
  // files nobody has touched since: nothing to validate, read or write.
  bool unchanged(const AppliedState& state, uint64_t digest) const {
    if (state.directory_digest != digest || stamps() != state.etc_stamps) return false;
    if (commit_pending(etc_)) return false;  // a commit to finish first
    for (const AppliedUser& u : state.users) {
      if (u.progress != Progress::complete) return false;
    }
    return true;
  }

  std::optional<AppliedState> read_state(bool warn) {
    auto text = read_if_exists(prefix_ + std::string(kStatePath), kMaxEtcFile);
    if (!text || !*text) return std::nullopt;
    state_text_ = std::move(**text);
    auto state = parse_state(state_text_);
    if (!state && warn) {
      result_.warnings.push_back(fmt::format("ignored the unreadable state {}{}: every user's files are checked again",
                                             prefix_, kStatePath));
    }
    return state;
  }

  void count(const Plan& p) {
    result_.users_added = p.counts.users_added;
    result_.users_changed = p.counts.users_changed;
    result_.users_removed = p.counts.users_removed;
    result_.groups_added = p.counts.groups_added;
    result_.groups_changed = p.counts.groups_changed;
    result_.groups_removed = p.counts.groups_removed;
    for (const std::string& w : p.warnings) result_.warnings.push_back(w);
  }

  Status commit(const Plan& p) {
    std::vector<EtcReplacement> replacements;
    for (EtcFile f : kEtcFiles) {
      const std::size_t i = static_cast<std::size_t>(f);
      if (!p.files[i]) continue;
      replacements.push_back({f, *p.files[i], owner_for(f, exists_[i] ? &stat_[i] : nullptr, p.shadow_gid)});
      result_.etc_files_written.emplace_back(etc_file_name(f));
    }
    if (replacements.empty()) return {};
    if (auto s = commit_etc_files(etc_, replacements, o_.faults); !s) {
      result_.etc_files_written.clear();
      return s;
    }
    result_.files_written += static_cast<uint32_t>(replacements.size());
    return {};
  }

  Status write_state(const AppliedState& state) {
    const std::string text = format_state(state);
    if (text == state_text_) return {};
    const std::string path = prefix_ + std::string(kStatePath);
    if (auto s = make_parents(path); !s) return s;
    return write_file_atomic(path, text, {.mode = 0600});
  }

  protocol::DirectoryApplyResult refuse(std::vector<std::string> errors) {
    result_ = {};
    result_.errors = std::move(errors);
    return finish(false);
  }

  protocol::DirectoryApplyResult finish(bool applied) {
    result_.applied = applied;
    const auto took = clock_.monotonic() - start_;
    result_.duration_us = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
    return std::move(result_);
  }

  const protocol::Directory& d_;
  const ApplyOptions& o_;
  const Clock& clock_;
  MonoTime start_;
  std::string prefix_, etc_;
  CurrentFiles current_;
  std::array<struct stat, kEtcFileCount> stat_{};
  std::array<bool, kEtcFileCount> exists_{};
  std::string state_text_;
  protocol::DirectoryApplyResult result_;
};

}  // namespace

protocol::DirectoryApplyResult apply_directory(const protocol::Directory& directory, const ApplyOptions& options) {
  const SystemClock system_clock;
  const Clock& clock = options.clock != nullptr ? *options.clock : system_clock;
  return Apply(directory, options, clock).run();
}

}  // namespace herd::directory
