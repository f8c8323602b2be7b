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

#include "../temp_directory.hpp"

extern char** environ;

namespace cmm::test {

namespace {

using namespace std::chrono_literals;

using clock_type = std::chrono::steady_clock;

constexpr auto grace_period = 5s;

constexpr auto poll_interval = 10ms;

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

child_process::child_process(std::vector<std::string> args, stderr_to err)
    : dir_(std::make_unique<temp_directory>()), out_file_(dir_->file("out")) {
  if (err == stderr_to::err)
    err_file_ = dir_->file("err");
  // A test that writes to a dead child's stdin must get EPIPE, not die.
  std::signal(SIGPIPE, SIG_IGN);
  int input[2];
  if (pipe2(input, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  constexpr int flags = O_WRONLY | O_CREAT | O_TRUNC;
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_adddup2(&files, input[0], STDIN_FILENO);
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, out_file_.c_str(),
                                   flags, 0644);
  if (err_file_.empty())
    posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
  else
    posix_spawn_file_actions_addopen(&files, STDERR_FILENO, err_file_.c_str(),
                                     flags, 0644);
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
  if (reap_within(std::chrono::duration_cast<milliseconds>(grace_period)))
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

std::string child_process::out() const {
  return read_file(out_file_);
}

std::string child_process::err() const {
  return err_file_.empty() ? std::string{} : read_file(err_file_);
}

std::optional<std::string>
child_process::wait_for_line(const std::string& needle, milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    // Read the output after checking for an exit: a line printed just
    // before exiting still counts, and so does a last line without a
    // newline then. While the process runs, a line may be half written.
    auto exited_before = reap(false);
    auto text = out();
    if (!exited_before)
      text.erase(text.rfind('\n') + 1); // npos + 1: nothing finished yet
    for (auto& line : lines_of(text))
      if (line.find(needle) != std::string::npos)
        return line;
    if (exited_before || clock_type::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(poll_interval);
  }
}

std::optional<process_result> child_process::wait(milliseconds timeout) {
  if (!reap_within(timeout))
    return std::nullopt;
  process_result result;
  result.status = *status_;
  if (WIFEXITED(*status_))
    result.exit_code = WEXITSTATUS(*status_);
  else if (WIFSIGNALED(*status_))
    result.exit_code = 128 + WTERMSIG(*status_);
  result.out = out();
  result.err = err();
  return result;
}

bool child_process::reap_within(milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  while (!reap(false)) {
    if (clock_type::now() >= deadline)
      return false;
    std::this_thread::sleep_for(poll_interval);
  }
  return true;
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

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos;
       start = end + 1, end = text.find('\n', start))
    out.push_back(text.substr(start, end - start));
  if (start < text.size())
    out.push_back(text.substr(start));
  return out;
}

} // namespace cmm::test
