#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/registry/store.hpp"

namespace passerelle::store {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& message) {
  throw Failure(codes::kInternalError, "embedded PostgreSQL", message);
}

// The account initdb and postgres run as. PostgreSQL refuses to run as root,
// so a root process hands the cluster to an unprivileged account.
struct Account {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
  std::vector<gid_t> groups;
};

Account resolve_account(const std::string& run_as_user) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  Account account;
  if (geteuid() == 0) {
    getpwnam_r(run_as_user.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (found == nullptr) {
      fail("account '" + run_as_user +
           "' does not exist; PostgreSQL refuses to run as root, so the cluster needs an "
           "unprivileged account (run_as_user)");
    }
    if (found->pw_uid == 0) fail("run_as_user '" + run_as_user + "' is root");
    account.switch_user = true;
  } else {
    getpwuid_r(geteuid(), &entry, buffer.data(), buffer.size(), &found);
    if (found == nullptr) fail("the current user has no passwd entry");
  }
  account.uid = found->pw_uid;
  account.gid = found->pw_gid;
  account.name = found->pw_name;
  // Resolved here because initgroups() is not safe between fork and exec.
  int count = 32;
  account.groups.resize(static_cast<std::size_t>(count));
  while (getgrouplist(account.name.c_str(), account.gid, account.groups.data(), &count) == -1) {
    account.groups.resize(static_cast<std::size_t>(count));
  }
  account.groups.resize(static_cast<std::size_t>(count));
  return account;
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

void write_literal(const char* text) {
  // Best effort from the child: nothing more can be done if it fails.
  [[maybe_unused]] auto written = ::write(2, text, std::strlen(text));
}

// Runs argv[0] (an absolute path) as the account with "/" as working
// directory (the account may not enter ours). Between fork and exec only
// async-signal-safe calls: the parent may have other threads.
ProcessResult run(const std::vector<std::string>& args, const Account& account) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) fail("pipe: " + std::string(std::strerror(errno)));
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);

  const pid_t pid = ::fork();
  if (pid < 0) fail("fork: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(pipe_fds[1], 1) < 0 ||
        ::dup2(pipe_fds[1], 2) < 0) {
      ::_exit(126);
    }
    // Keeps our descriptors (listening sockets, the pipe) out of the postmaster.
    ::close_range(3, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::chdir("/") != 0) ::_exit(126);
    if (account.switch_user && (::setgroups(account.groups.size(), account.groups.data()) != 0 ||
                                ::setgid(account.gid) != 0 || ::setuid(account.uid) != 0)) {
      write_literal("passerelle: could not switch to the PostgreSQL account\n");
      ::_exit(126);
    }
    ::execv(argv[0], argv.data());
    write_literal("passerelle: exec failed\n");
    ::_exit(127);
  }

  write_end.reset();
  ProcessResult result;
  std::array<char, 4096> chunk{};
  for (;;) {
    const ssize_t got = ::read(read_end.get(), chunk.data(), chunk.size());
    if (got > 0) {
      result.output.append(chunk.data(), static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      break;
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid: " + std::string(std::strerror(errno)));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string describe(const std::vector<std::string>& args, const ProcessResult& result) {
  std::string text = fs::path(args.front()).filename().string() + " " + args.at(1) +
                     " exited with " + std::to_string(result.exit_code);
  if (!result.output.empty()) text += ": " + result.output;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

ProcessResult run_checked(const std::vector<std::string>& args, const Account& account) {
  auto result = run(args, account);
  if (result.exit_code != 0) fail(describe(args, result));
  return result;
}

fs::path find_bin_dir() {
  // Debian layout: /usr/lib/postgresql/<major>/bin; the newest major wins.
  const fs::path root = "/usr/lib/postgresql";
  fs::path best;
  int best_major = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const auto name = entry.path().filename().string();
    int major = 0;
    const auto [end, err] = std::from_chars(name.data(), name.data() + name.size(), major);
    if (err != std::errc{} || end != name.data() + name.size()) continue;
    if (major > best_major && fs::exists(entry.path() / "bin" / "pg_ctl")) {
      best_major = major;
      best = entry.path() / "bin";
    }
  }
  if (best.empty()) fail("no PostgreSQL server found under " + root.string() + "; set bin_dir");
  return best;
}

bool can_traverse(const struct stat& info, const Account& account) {
  if (info.st_uid == account.uid) return (info.st_mode & S_IXUSR) != 0;
  if (std::find(account.groups.begin(), account.groups.end(), info.st_gid) !=
      account.groups.end()) {
    return (info.st_mode & S_IXGRP) != 0;
  }
  return (info.st_mode & S_IXOTH) != 0;
}

// Fails early with the culprit named, rather than with initdb's vaguer
// "could not access directory".
void check_parents_traversable(const fs::path& dir, const Account& account) {
  for (fs::path parent = dir.parent_path();; parent = parent.parent_path()) {
    struct stat info {};
    if (::stat(parent.c_str(), &info) != 0) {
      fail("cannot stat " + parent.string() + ": " + std::strerror(errno));
    }
    if (!can_traverse(info, account)) {
      fail("account '" + account.name + "' cannot enter directory " + parent.string() +
           " on the way to the data directory " + dir.string() +
           "; make it searchable by that account (e.g. chmod o+x) or move the data directory");
    }
    if (parent == parent.parent_path()) break;
  }
}

void chown_to(const fs::path& path, const Account& account) {
  if (::chown(path.c_str(), account.uid, account.gid) != 0) {
    fail("cannot give " + path.string() + " to '" + account.name + "': " + std::strerror(errno));
  }
}

void prepare_data_dir(const fs::path& data_dir, const Account& account) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) fail("cannot create data directory " + data_dir.string() + ": " + ec.message());
  if (!account.switch_user) return;
  check_parents_traversable(data_dir, account);
  struct stat info {};
  if (::stat(data_dir.c_str(), &info) != 0) {
    fail("cannot stat " + data_dir.string() + ": " + std::strerror(errno));
  }
  if (info.st_uid == account.uid) return;
  if (fs::exists(data_dir / "PG_VERSION")) {
    fail("data directory " + data_dir.string() + " holds a cluster not owned by '" + account.name +
         "'");
  }
  chown_to(data_dir, account);
  ::chmod(data_dir.c_str(), 0700);
}

fs::path make_socket_dir(const Account& account) {
  // Unix socket paths are limited to 107 bytes, so never under data_dir.
  std::string pattern = "/tmp/passerelle-pg-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    fail("cannot create a socket directory: " + std::string(std::strerror(errno)));
  }
  const fs::path dir = pattern;
  if (account.switch_user && ::chown(dir.c_str(), account.uid, account.gid) != 0) {
    const std::string reason = std::strerror(errno);
    std::error_code ec;
    fs::remove(dir, ec);
    fail("cannot give " + dir.string() + " to '" + account.name + "': " + reason);
  }
  return dir;
}

// A postmaster.pid left by a crash either names a live postmaster (orphaned
// by a gateway that died: restart it so it listens where we expect) or a dead
// one whose pid may since have been reused (remove the file, or postgres
// would refuse to start).
void clear_previous_postmaster(const fs::path& pg_ctl, const fs::path& data_dir,
                               const Account& account) {
  const fs::path pid_file = data_dir / "postmaster.pid";
  if (!fs::exists(pid_file)) return;
  const auto status = run({pg_ctl, "status", "-D", data_dir}, account);
  if (status.exit_code == 0) {
    run_checked({pg_ctl, "stop", "-D", data_dir, "-m", "fast", "-w", "-t", "60"}, account);
  } else if (status.exit_code == 3) {
    std::error_code ec;
    fs::remove(pid_file, ec);
    if (ec) fail("cannot remove stale " + pid_file.string() + ": " + ec.message());
  }
}

std::string log_tail(const fs::path& log) {
  std::ifstream in(log, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  constexpr std::size_t kTail = 2000;
  if (text.size() > kTail) text = text.substr(text.size() - kTail);
  return text;
}

std::string percent_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string make_uri(const fs::path& socket_dir, const std::string& user,
                     const std::string& database) {
  return "postgresql:///" + percent_encode(database) +
         "?host=" + percent_encode(socket_dir.string()) + "&user=" + percent_encode(user);
}

void create_database_if_missing(const std::string& admin_uri, const std::string& database) {
  try {
    pqxx::connection connection(admin_uri);
    pqxx::nontransaction tx(connection);
    const auto exists = [&] {
      return !tx.exec("SELECT 1 FROM pg_database WHERE datname = " + tx.quote(database)).empty();
    };
    if (exists()) return;
    try {
      tx.exec("CREATE DATABASE " + tx.quote_name(database) + " TEMPLATE template0");
    } catch (const pqxx::sql_error&) {
      // Another gateway on the same cluster may have won the race.
      if (!exists()) throw;
    }
  } catch (const pqxx::failure& e) {
    fail("cannot create database '" + database + "': " + e.what());
  }
}

}  // namespace

std::unique_ptr<EmbeddedCluster> EmbeddedCluster::start(const ClusterOptions& options) {
  if (options.data_dir.empty()) fail("no data directory given");
  const Account account = resolve_account(options.run_as_user);
  // Not make_unique: the constructor is private. Owned from here on, so a
  // failure below stops whatever was started and removes the socket dir.
  std::unique_ptr<EmbeddedCluster> cluster(new EmbeddedCluster());
  cluster->options_ = options;
  cluster->options_.data_dir = fs::absolute(options.data_dir).lexically_normal();
  if (cluster->options_.bin_dir.empty()) cluster->options_.bin_dir = find_bin_dir();
  const fs::path& data_dir = cluster->options_.data_dir;
  const fs::path pg_ctl = cluster->options_.bin_dir / "pg_ctl";

  prepare_data_dir(data_dir, account);
  if (!fs::exists(data_dir / "PG_VERSION")) {
    std::vector<std::string> initdb{cluster->options_.bin_dir / "initdb",
                                    "-D",
                                    data_dir,
                                    "-A",
                                    "trust",
                                    "-E",
                                    "UTF8",
                                    "--locale=C",
                                    "-U",
                                    account.name};
    if (!options.fsync) initdb.emplace_back("--no-sync");
    run_checked(initdb, account);
  }
  clear_previous_postmaster(pg_ctl, data_dir, account);

  cluster->socket_dir_ = make_socket_dir(account);
  // pg_ctl hands -o to /bin/sh; only our own mkdtemp path goes into it.
  const std::string server_options = "-c listen_addresses='' -c unix_socket_directories='" +
                                     cluster->socket_dir_.string() +
                                     "' -c fsync=" + (options.fsync ? "on" : "off");
  const fs::path log = data_dir / "postgresql.log";
  const std::vector<std::string> start{pg_ctl,   "start", "-w", "-t", "60",          "-D",
                                       data_dir, "-l",    log,  "-o", server_options};
  // Set first: a timed-out start may leave a postmaster behind to stop.
  cluster->running_ = true;
  const auto started = run(start, account);
  if (started.exit_code != 0) {
    fail(describe(start, started) + "\n--- " + log.string() + " ---\n" + log_tail(log));
  }

  create_database_if_missing(make_uri(cluster->socket_dir_, account.name, "postgres"),
                             options.database);
  cluster->uri_ = make_uri(cluster->socket_dir_, account.name, options.database);
  return cluster;
}

void EmbeddedCluster::stop() {
  if (running_) {
    running_ = false;
    const Account account = resolve_account(options_.run_as_user);
    const std::vector<std::string> stop{options_.bin_dir / "pg_ctl",
                                        "stop",
                                        "-D",
                                        options_.data_dir,
                                        "-m",
                                        "fast",
                                        "-w",
                                        "-t",
                                        "60"};
    const auto result = run(stop, account);
    // Non-zero with no pid file: someone else already stopped it, fine.
    if (result.exit_code != 0 && fs::exists(options_.data_dir / "postmaster.pid")) {
      fail(describe(stop, result));
    }
  }
  if (!socket_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(socket_dir_, ec);
    socket_dir_.clear();
  }
}

EmbeddedCluster::~EmbeddedCluster() {
  try {
    stop();
  } catch (...) {
    // Nothing to report to from a destructor; the next start() recovers.
  }
}

}  // namespace passerelle::store
