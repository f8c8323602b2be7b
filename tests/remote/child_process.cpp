#include "child_process.hpp"

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace cmm::test {

namespace {

using namespace std::chrono_literals;

constexpr auto grace_period = 5s;

constexpr auto poll_interval = 10ms;

} // namespace

child_process::child_process(std::vector<std::string> args,
                             std::string log_file)
    : log_file_(std::move(log_file)) {
  // A test that writes to a dead child's stdin must get EPIPE, not die.
  std::signal(SIGPIPE, SIG_IGN);
  int input[2];
  if (pipe2(input, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_adddup2(&files, input[0], STDIN_FILENO);
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log_file_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
  // The child starts with no blocked signals and default dispositions,
  // whatever this test process has set up.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  auto rc = posix_spawn(&pid_, argv[0], &files, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  close(input[0]);
  if (rc != 0) {
    close(input[1]);
    throw std::runtime_error("cannot start " + args[0]);
  }
  stdin_fd_ = input[1];
}

child_process::~child_process() {
  close_input();
  if (reap(false))
    return;
  ::kill(pid_, SIGTERM);
  ::kill(pid_, SIGCONT); // a stopped process acts on SIGTERM only when woken
  if (wait_exit(
          std::chrono::duration_cast<std::chrono::milliseconds>(grace_period)))
    return;
  ::kill(pid_, SIGKILL);
  reap(true);
}

void child_process::signal(int sig) {
  if (!reap(false))
    ::kill(pid_, sig);
}

void child_process::write_input(const std::string& text) {
  if (stdin_fd_ >= 0) {
    [[maybe_unused]] auto n = ::write(stdin_fd_, text.data(), text.size());
  }
}

void child_process::close_input() {
  if (stdin_fd_ >= 0) {
    close(stdin_fd_);
    stdin_fd_ = -1;
  }
}

std::string child_process::output() const {
  std::ifstream in{log_file_};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::string>
child_process::wait_for_line(const std::string& needle,
                             std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Read the output before checking for an exit: a line printed just
    // before exiting still counts.
    auto exited_before = reap(false);
    std::istringstream lines{output()};
    for (std::string line; std::getline(lines, line);)
      if (line.find(needle) != std::string::npos)
        return line;
    if (exited_before || std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(poll_interval);
  }
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reap(false)) {
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(poll_interval);
  }
  return status_;
}

bool child_process::reap(bool block) {
  if (status_)
    return true;
  int status = 0;
  auto rc = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (rc == pid_) {
    status_ = status;
    return true;
  }
  return false;
}

} // namespace cmm::test
