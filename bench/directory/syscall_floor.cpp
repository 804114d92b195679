// What the kernel alone costs for the files of an apply, with no herd code
// around the system calls: the floor under the directory benchmarks.
//
//   bench-syscall-floor DIR [N]
//
// In fresh directories under DIR (use the file system being measured):
//   keys, 8 calls   N key files the way apply wrote them before: open to read
//                   (absent), open a temporary, fchown, fchmod, write, close,
//                   rename, unlink of an absent linger flag
//   keys, 4 calls   N key files the way apply writes them now: openat O_EXCL,
//                   fchown, write, close
//   keys, 3 calls   the same without fchown (what a file owned by root costs)
//   create only     openat O_EXCL and close: N empty files
//   /etc commit     the /etc set of 10,000 users (sizes as apply writes them)
//                   staged and fsynced, backups through temporaries, journal,
//                   renames, and the state file: per apply, averaged
// Prints CPU time (user + system) of each.

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

double cpu_ms() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

// A fresh directory DIR/floor-XXXXXX/etc/ssh/authorized_keys.d; its path.
std::string fresh_keys_dir(const std::string& base) {
  std::string root = base + "/floor-XXXXXX";
  if (::mkdtemp(root.data()) == nullptr) std::abort();
  for (const char* sub : {"/etc", "/etc/ssh", "/etc/ssh/authorized_keys.d", "/var", "/var/lib", "/var/lib/systemd",
                          "/var/lib/systemd/linger"}) {
    ::mkdir((root + sub).c_str(), 0755);
  }
  return root;
}

void put(const std::string& path, const std::string& content, bool sync) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) std::abort();
  (void)::fchmod(fd, 0644);
  (void)::write(fd, content.data(), content.size());
  if (sync) (void)::fsync(fd);
  ::close(fd);
}

enum class Way { eight, four, three, create_only };

double key_files(const std::string& base, Way way, int n) {
  const std::string root = fresh_keys_dir(base);
  const std::string dir = root + "/etc/ssh/authorized_keys.d";
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const std::string content(188, 'k');  // two ed25519 keys, as the benchmark's users have
  const double start = cpu_ms();
  for (int i = 0; i < n; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "u%05d", i);
    const std::string path = dir + "/" + name;
    const auto gid = static_cast<gid_t>(20000 + i % 1000);
    if (way == Way::eight) {
      if (const int r = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); r >= 0) ::close(r);
      const std::string tmp = path + ".herd-tmp";
      const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
      (void)::fchown(fd, 0, gid);
      (void)::fchmod(fd, 0640);
      (void)::write(fd, content.data(), content.size());
      ::close(fd);
      (void)::rename(tmp.c_str(), path.c_str());
      (void)::unlink((root + "/var/lib/systemd/linger/" + name).c_str());
    } else {
      const int fd = ::openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
      if (way == Way::four) (void)::fchown(fd, 0, gid);
      if (way != Way::create_only) (void)::write(fd, content.data(), content.size());
      ::close(fd);
    }
  }
  const double took = cpu_ms() - start;
  ::close(dir_fd);
  (void)std::system(("rm -rf '" + root + "'").c_str());
  return took;
}

double etc_commit(const std::string& base, int rounds) {
  std::string dir = base + "/floor-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) std::abort();
  const char* names[] = {"passwd", "shadow", "group", "gshadow"};
  const std::size_t sizes[] = {628'053, 1'250'207, 154'079, 149'067};
  std::string content[4];
  for (int i = 0; i < 4; ++i) {
    content[i] = std::string(sizes[i], 'x');
    put(dir + "/" + names[i], content[i], false);
    put(dir + "/" + names[i] + "-", content[i], false);
  }
  const std::string state(370'287, 's');
  const double start = cpu_ms();
  for (int r = 0; r < rounds; ++r) {
    for (int i = 0; i < 4; ++i) put(dir + "/" + names[i] + ".herd-new", content[i], true);
    for (int i = 0; i < 4; ++i) {
      const std::string backup = dir + "/" + names[i] + "-";
      put(backup + ".herd-tmp", content[i], true);
      (void)::rename((backup + ".herd-tmp").c_str(), backup.c_str());
    }
    put(dir + "/.herd-etc-commit", "herd-etc-commit 1\n", true);
    for (const char* name : names) {
      (void)::rename((dir + "/" + name + ".herd-new").c_str(), (dir + "/" + name).c_str());
    }
    (void)::unlink((dir + "/.herd-etc-commit").c_str());
    put(dir + "/state.tmp", state, true);
    (void)::rename((dir + "/state.tmp").c_str(), (dir + "/state").c_str());
  }
  const double took = (cpu_ms() - start) / rounds;
  (void)std::system(("rm -rf '" + dir + "'").c_str());
  return took;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench-syscall-floor DIR [N]\n");
    return 2;
  }
  const std::string base = argv[1];
  const int n = argc > 2 ? std::atoi(argv[2]) : 10'000;
  std::printf("keys, 8 calls:  %d files  %7.1f ms CPU\n", n, key_files(base, Way::eight, n));
  std::printf("keys, 4 calls:  %d files  %7.1f ms CPU\n", n, key_files(base, Way::four, n));
  std::printf("keys, 3 calls:  %d files  %7.1f ms CPU\n", n, key_files(base, Way::three, n));
  std::printf("create only:    %d files  %7.1f ms CPU\n", n, key_files(base, Way::create_only, n));
  std::printf("/etc commit:    per apply  %7.2f ms CPU\n", etc_commit(base, 50));
  return 0;
}
