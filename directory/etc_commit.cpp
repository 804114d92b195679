#include "directory/etc_commit.hpp"

#include <cerrno>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

#include "directory/fs_ops.hpp"

namespace herd::directory {
namespace {

constexpr std::string_view kJournalName = ".herd-etc-commit";
constexpr std::string_view kJournalHeader = "herd-etc-commit 1\n";

std::string in(const std::string& etc_dir, std::string_view name) { return etc_dir + "/" + std::string(name); }
std::string staged(const std::string& etc_dir, EtcFile f) { return in(etc_dir, etc_file_name(f)) + ".herd-new"; }

void discard_staged(const std::string& etc_dir, const std::vector<EtcReplacement>& files) {
  for (const auto& f : files) ::unlink(staged(etc_dir, f.file).c_str());
}

Status write_backup(const std::string& etc_dir, const EtcReplacement& r) {
  const std::string target = in(etc_dir, etc_file_name(r.file));
  if (r.current != nullptr) return replace_file(target + "-", *r.current, r.owner, true);
  auto old = read_if_exists(target, 256u << 20);
  if (!old) return std::move(old).error();
  if (!*old) return {};  // nothing to back up
  return replace_file(target + "-", **old, r.owner, true);
}

}  // namespace

Status commit_etc_files(const std::string& etc_dir, const std::vector<EtcReplacement>& files, WriteFaults* faults) {
  auto fault_after = [faults](std::string_view step) {
    return faults == nullptr ? FaultAction::proceed : faults->after(step);
  };
  // Before the commit point an error discards the staged files: the old set stays.
  auto before_commit = [&](Status s, std::string_view step) -> Status {
    if (s) {
      const FaultAction a = fault_after(step);
      if (a == FaultAction::proceed) return {};
      if (a == FaultAction::crash) return fail("simulated crash after {}", step);
      s = fail("injected failure after {}", step);
    }
    discard_staged(etc_dir, files);
    return s;
  };
  for (const auto& f : files) {
    const std::string name(etc_file_name(f.file));
    if (auto s = before_commit(write_new_file(staged(etc_dir, f.file), f.content, f.owner, true), "stage " + name); !s) {
      return s;
    }
  }
  for (const auto& f : files) {
    const std::string name(etc_file_name(f.file));
    if (auto s = before_commit(write_backup(etc_dir, f), "backup " + name); !s) return s;
  }
  std::string journal(kJournalHeader);
  for (const auto& f : files) journal += std::string(etc_file_name(f.file)) + "\n";
  // After the commit point an error leaves the journal: the next apply's
  // recovery completes the set.
  auto after_commit = [&](Status s, std::string_view step) -> Status {
    if (!s) return fail("{}; the next apply completes this commit", s.error().message);
    const FaultAction a = fault_after(step);
    if (a == FaultAction::crash) return fail("simulated crash after {}", step);
    if (a == FaultAction::fail) return fail("injected failure after {}; the next apply completes this commit", step);
    return {};
  };
  // The journal is written atomically: until its rename it does not exist.
  if (auto s = write_file_atomic(in(etc_dir, kJournalName), journal, {.mode = 0600}); !s) {
    discard_staged(etc_dir, files);
    return s;
  }
  if (auto s = after_commit({}, "journal"); !s) return s;
  for (const auto& f : files) {
    const std::string name(etc_file_name(f.file));
    Status renamed;
    if (::rename(staged(etc_dir, f.file).c_str(), in(etc_dir, name).c_str()) != 0) {
      renamed = fail("failed to rename {} over {}: {}", staged(etc_dir, f.file), in(etc_dir, name), errno_text());
    }
    if (auto s = after_commit(std::move(renamed), "rename " + name); !s) return s;
  }
  if (auto s = after_commit(fsync_directory(etc_dir), "sync"); !s) return s;
  Status removed;
  if (::unlink(in(etc_dir, kJournalName).c_str()) != 0) removed = fail("failed to remove the journal: {}", errno_text());
  if (auto s = after_commit(std::move(removed), "journal removed"); !s) return s;
  return fsync_directory(etc_dir);
}

bool commit_pending(const std::string& etc_dir) {
  struct stat st {};
  return ::lstat(in(etc_dir, kJournalName).c_str(), &st) == 0;
}

Result<bool> recover_etc_commit(const std::string& etc_dir) {
  auto journal = read_if_exists(in(etc_dir, kJournalName), 4096);
  if (!journal) return std::move(journal).error();
  constexpr EtcFile kAll[] = {EtcFile::passwd, EtcFile::shadow, EtcFile::group, EtcFile::gshadow};
  if (!*journal) {
    // No commit point reached: whatever was staged is discarded.
    for (EtcFile f : kAll) {
      ::unlink(staged(etc_dir, f).c_str());
      ::unlink((in(etc_dir, etc_file_name(f)) + "-.herd-tmp").c_str());
    }
    return false;
  }
  std::string_view text = **journal;
  if (!text.starts_with(kJournalHeader)) return fail("failed to recover: {} is not a herd journal", in(etc_dir, kJournalName));
  text.remove_prefix(kJournalHeader.size());
  for (EtcFile f : kAll) {
    bool listed = false;
    for (std::string_view rest = text; !rest.empty();) {
      const auto nl = rest.find('\n');
      listed = listed || rest.substr(0, nl) == etc_file_name(f);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    }
    if (!listed) continue;
    const std::string from = staged(etc_dir, f);
    if (::rename(from.c_str(), in(etc_dir, etc_file_name(f)).c_str()) != 0 && errno != ENOENT) {
      return fail("failed to recover: rename {}: {}", from, errno_text());
    }
  }
  if (auto s = fsync_directory(etc_dir); !s) return std::move(s).error();
  if (::unlink(in(etc_dir, kJournalName).c_str()) != 0) return fail("failed to recover: remove journal: {}", errno_text());
  if (auto s = fsync_directory(etc_dir); !s) return std::move(s).error();
  return true;
}

}  // namespace herd::directory
