#include "directory/applier.hpp"

#include <array>
#include <optional>
#include <sys/stat.h>

#include "directory/applied_state.hpp"
#include "directory/delta_plan.hpp"
#include "directory/first_index.hpp"
#include "directory/fs_ops.hpp"
#include "directory/passwd_lock.hpp"
#include "directory/plan.hpp"
#include "directory/record_hash.hpp"
#include "directory/user_files.hpp"
#include "directory/validate.hpp"

namespace herd::directory {
namespace {

constexpr std::size_t kMaxEtcFile = 256u << 20;
constexpr EtcFile kEtcFiles[] = {EtcFile::passwd, EtcFile::shadow, EtcFile::group, EtcFile::gshadow};

// What identifies a file's content without reading it. ctime cannot be set
// back by a program, so an edit that restores size and mtime is still seen.
struct FileIdentity {
  bool exists = false;
  uint64_t size = 0, mtime_ns = 0, ctime_ns = 0, inode = 0, device = 0;
  bool operator==(const FileIdentity&) const = default;
};

uint64_t nanoseconds(const struct timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec);
}

FileIdentity identity_of(const std::string& path, struct stat* out = nullptr) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  if (out != nullptr) *out = st;
  return {true, static_cast<uint64_t>(st.st_size), nanoseconds(st.st_mtim), nanoseconds(st.st_ctim),
          static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_dev)};
}

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

void move_into(std::vector<std::string>& to, std::vector<std::string>& from) {
  for (std::string& s : from) to.push_back(std::move(s));
}

}  // namespace

// What the last apply left behind, each part trusted only while the file it
// describes still has the identity recorded here.
struct DirectoryApplier::Memory {
  std::array<std::optional<std::string>, kEtcFileCount> etc_text;  // nullopt: the file did not exist
  std::array<struct stat, kEtcFileCount> etc_stat{};
  std::array<FileIdentity, kEtcFileCount> etc_identity;
  bool etc_known = false;

  std::optional<AppliedState> state;  // as in the state file; nullopt: none or unreadable
  bool state_unreadable = false;
  std::string state_text;
  FileIdentity state_identity;
  bool state_known = false;

  // Record hashes whose own checks passed, under the ranges hashed as `ranges`.
  uint64_t ranges = 0;
  FirstIndex<uint64_t> valid_users, valid_groups;

  // How the last plan laid out the files; true of them while etc_known and
  // state_known hold (the users' progress is the state's).
  std::optional<Layout> layout;
};

namespace {

class Apply {
 public:
  using Memory = DirectoryApplier::Memory;

  Apply(const protocol::Directory& d, const ApplyOptions& o, const Clock& clock, Memory& memory)
      : d_(d), o_(o), clock_(clock), m_(memory), start_(clock.monotonic()) {
    prefix_ = o.root;
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
    etc_ = prefix_ + "/etc";
    state_path_ = prefix_ + std::string(kStatePath);
  }

  protocol::DirectoryApplyResult run() {
    hashes_ = hash_records(d_);
    // An unchanged directory is recognised before anything else, even
    // validation (it was validated when it was first applied).
    load_state(false);
    if (state_ != nullptr && unchanged(*state_)) return finish(true);
    const int64_t today = to_unix_ms(clock_.wall()) / 86'400'000;
    // What changed since the last apply, if it is a plain edit of what this
    // applier laid out; its checks stand in for validation (delta_plan.hpp).
    std::optional<Plan> delta = plan_delta_if_known(today);
    if (!delta && !o_.validated) {
      const KnownValid known = known_records();
      const auto problems = validate_directory(d_, &known);
      if (!problems.empty()) return refuse(format_diagnostics(problems, nullptr));
      remember_valid_records();
    }
    struct stat st {};
    if (::stat(etc_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      m_.layout.reset();
      return refuse({fmt::format("failed to apply: {} is not a directory", etc_)});
    }
    auto lock = PasswdLock::acquire(etc_, o_.lock_timeout);
    if (!lock) return refuse({lock.error().message});
    auto recovered = recover_etc_commit(etc_);
    if (!recovered) return refuse({recovered.error().message});
    if (*recovered) result_.warnings.push_back(fmt::format("completed an interrupted commit of the files in {}", etc_));

    const bool state_kept = load_state(true);
    auto etc_kept = read_current();
    if (!etc_kept) return refuse({etc_kept.error().message});
    if (delta && !(state_kept && *etc_kept)) {
      // The files changed under the lock's wait: plan them in full.
      delta.reset();
      m_.layout.reset();
    }
    auto plan = delta ? Result<Plan>(std::move(*delta)) : plan_apply(d_, hashes_, current_, state_, today);
    if (!plan) return refuse(lines_of(plan.error().message));
    count(*plan);
    if (o_.dry_run) return finish(false);

    if (auto s = commit(*plan); !s) {
      m_.layout.reset();
      return refuse({s.error().message});
    }
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
    plan->next_state.directory_digest = hashes_.directory;
    plan->next_state.etc_stamps = remember_etc();
    remember_layout(*plan);
    if (auto s = write_state(std::move(plan->next_state)); !s) result_.errors.push_back(s.error().message);
    return finish(true);
  }

 private:
  std::optional<Plan> plan_delta_if_known(int64_t today) {
    if (!m_.layout || !m_.etc_known || !m_.state_known || o_.dry_run) return std::nullopt;
    DeltaInput in{d_, hashes_};
    for (std::size_t i = 0; i < kEtcFileCount; ++i) in.text[i] = m_.etc_text[i] ? &*m_.etc_text[i] : nullptr;
    if (m_.ranges == hashes_.ranges) {
      bound_valid_records();
      in.valid_users = &m_.valid_users;
      in.valid_groups = &m_.valid_groups;
    }
    in.today = today;
    auto plan = plan_delta(in, *m_.layout);
    // Taken into the plan: until this apply ends well there is none.
    if (plan) m_.layout.reset();
    return plan;
  }

  // The layout, with each user's progress as the per-user work left it.
  void remember_layout(Plan& plan) {
    Layout& layout = plan.layout;
    for (std::size_t k = 0; k < layout.users.size() && k < plan.next_state.users.size(); ++k) {
      layout.users[k].progress = plan.next_state.users[k].progress;
    }
    m_.layout = std::move(layout);
  }

  // ---- what is known from earlier applies --------------------------------

  KnownValid known_records() const {
    KnownValid known;
    if (m_.ranges != hashes_.ranges) return known;  // check_id depends on the ranges
    known.users.resize(d_.users.size());
    for (std::size_t i = 0; i < d_.users.size(); ++i) known.users[i] = m_.valid_users.contains(hashes_.user_record[i]);
    known.groups.resize(d_.groups.size());
    for (std::size_t i = 0; i < d_.groups.size(); ++i) {
      known.groups[i] = m_.valid_groups.contains(hashes_.group_record[i]);
    }
    return known;
  }

  // The directory passed: each of its records passes its own checks.
  void remember_valid_records() {
    if (m_.ranges != hashes_.ranges) {
      m_.valid_users.clear();
      m_.valid_groups.clear();
      m_.ranges = hashes_.ranges;
    }
    bound_valid_records();
    for (const uint64_t h : hashes_.user_record) m_.valid_users.add(h, 0);
    for (const uint64_t h : hashes_.group_record) m_.valid_groups.add(h, 0);
  }

  // Records of old revisions are forgotten when they outnumber the current
  // ones, so a long-running agent does not grow without end.
  void bound_valid_records() {
    if (m_.valid_users.size() > 2 * d_.users.size() + 1024) m_.valid_users.clear();
    if (m_.valid_groups.size() > 2 * d_.groups.size() + 1024) m_.valid_groups.clear();
  }

  // The state file: from memory when it is the file the last apply left.
  // true when it was.
  bool load_state(bool warn) {
    const FileIdentity now = identity_of(state_path_);
    const bool kept = m_.state_known && now == m_.state_identity;
    if (!kept) {
      m_.state_known = false;
      m_.layout.reset();  // its users' progress came from the old state
      auto text = read_if_exists(state_path_, kMaxEtcFile);
      m_.state_text.clear();
      if (text && *text) m_.state_text = std::move(**text);
      m_.state = m_.state_text.empty() ? std::nullopt : parse_state(m_.state_text);
      m_.state_unreadable = !m_.state_text.empty() && !m_.state;
      m_.state_identity = now;
      // Unchanged while it was read: the next call can trust it.
      m_.state_known = text.ok() && identity_of(state_path_) == now;
    }
    state_ = m_.state ? &*m_.state : nullptr;
    if (m_.state_unreadable && warn) {
      result_.warnings.push_back(fmt::format("ignored the unreadable state {}: every user's files are checked again",
                                             state_path_));
    }
    return kept;
  }

  // The same directory as last time, all its per-user work done, onto /etc
  // files nobody has touched since: nothing to validate, read or write.
  bool unchanged(const AppliedState& state) const {
    if (state.directory_digest != hashes_.directory || stamps() != state.etc_stamps) return false;
    if (commit_pending(etc_)) return false;  // a commit to finish first
    for (const AppliedUser& u : state.users) {
      if (u.progress != Progress::complete) return false;
    }
    return true;
  }

  // ---- /etc ----------------------------------------------------------------

  // The four files, from memory where they are what the last apply left
  // (moved out: the memory is rebuilt when this apply ends well). true when
  // all four were.
  Result<bool> read_current() {
    const bool known = m_.etc_known;
    m_.etc_known = false;
    bool all_kept = true;
    for (EtcFile f : kEtcFiles) {
      const std::size_t i = static_cast<std::size_t>(f);
      const std::string path = etc_ + "/" + std::string(etc_file_name(f));
      current_.label[i] = path;
      struct stat st {};
      const FileIdentity now = identity_of(path, &st);
      if (known && now == m_.etc_identity[i]) {
        if (m_.etc_text[i]) current_.text[i] = std::move(*m_.etc_text[i]);
        exists_[i] = now.exists;
        stat_[i] = st;
        continue;
      }
      all_kept = false;
      auto text = read_if_exists(path, kMaxEtcFile);
      if (!text) return std::move(text).error();
      if (*text) {
        current_.text[i] = std::move(**text);
        exists_[i] = ::stat(path.c_str(), &stat_[i]) == 0;
      }
    }
    return all_kept;
  }

  // After the commit: each file is now its new content or, if not written,
  // what was read. Their identities go into the state and the memory.
  std::array<FileStamp, kEtcFileCount> remember_etc() {
    std::array<FileStamp, kEtcFileCount> stamps{};
    for (EtcFile f : kEtcFiles) {
      const std::size_t i = static_cast<std::size_t>(f);
      struct stat st {};
      const FileIdentity now = identity_of(etc_ + "/" + std::string(etc_file_name(f)), &st);
      stamps[i] = {now.size, now.mtime_ns, now.inode};
      m_.etc_identity[i] = now;
      m_.etc_stat[i] = st;
      m_.etc_text[i].reset();
      if (written_[i]) {
        m_.etc_text[i] = std::move(*written_[i]);
      } else if (exists_[i]) {
        m_.etc_text[i] = std::move(current_.text[i]);
      }
    }
    m_.etc_known = true;
    return stamps;
  }

  std::array<FileStamp, kEtcFileCount> stamps() const {
    std::array<FileStamp, kEtcFileCount> out{};
    for (EtcFile f : kEtcFiles) {
      struct stat st {};
      if (::stat((etc_ + "/" + std::string(etc_file_name(f))).c_str(), &st) != 0) continue;
      out[static_cast<std::size_t>(f)] = {static_cast<uint64_t>(st.st_size), nanoseconds(st.st_mtim),
                                          static_cast<uint64_t>(st.st_ino)};
    }
    return out;
  }

  Status commit(Plan& p) {
    std::vector<EtcReplacement> replacements;
    for (EtcFile f : kEtcFiles) {
      const std::size_t i = static_cast<std::size_t>(f);
      if (!p.files[i]) continue;
      replacements.push_back({f, std::move(*p.files[i]),
                              owner_for(f, exists_[i] ? &stat_[i] : nullptr, p.shadow_gid),
                              exists_[i] ? &current_.text[i] : nullptr});
      result_.etc_files_written.emplace_back(etc_file_name(f));
    }
    if (replacements.empty()) return {};
    if (auto s = commit_etc_files(etc_, replacements, o_.faults); !s) {
      result_.etc_files_written.clear();
      return s;
    }
    for (EtcReplacement& r : replacements) written_[static_cast<std::size_t>(r.file)] = std::move(r.content);
    result_.files_written += static_cast<uint32_t>(replacements.size());
    return {};
  }

  // ---- the state -------------------------------------------------------------

  // Written only when it differs; kept in memory either way.
  Status write_state(AppliedState state) {
    std::string text = format_state(state);
    if (!m_.state_known || text != m_.state_text) {
      m_.state_known = false;
      if (auto s = make_parents(state_path_); !s) return s;
      if (auto s = write_file_atomic(state_path_, text, {.mode = 0600}); !s) return s;
      m_.state_text = std::move(text);
      m_.state_identity = identity_of(state_path_);
      m_.state_known = true;
      m_.state_unreadable = false;
    }
    m_.state = std::move(state);
    return {};
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
  Memory& m_;
  MonoTime start_;
  std::string prefix_, etc_, state_path_;
  RecordHashes hashes_;
  CurrentFiles current_;
  std::array<struct stat, kEtcFileCount> stat_{};
  std::array<bool, kEtcFileCount> exists_{};
  const AppliedState* state_ = nullptr;  // in the memory
  std::array<std::optional<std::string>, kEtcFileCount> written_;  // new content of the files committed
  protocol::DirectoryApplyResult result_;
};

}  // namespace

DirectoryApplier::DirectoryApplier(ApplyOptions options)
    : options_(std::move(options)), memory_(std::make_unique<Memory>()) {}
DirectoryApplier::~DirectoryApplier() = default;
DirectoryApplier::DirectoryApplier(DirectoryApplier&&) noexcept = default;
DirectoryApplier& DirectoryApplier::operator=(DirectoryApplier&&) noexcept = default;

protocol::DirectoryApplyResult DirectoryApplier::apply(const protocol::Directory& directory) {
  const SystemClock system_clock;
  const Clock& clock = options_.clock != nullptr ? *options_.clock : system_clock;
  return Apply(directory, options_, clock, *memory_).run();
}

}  // namespace herd::directory
