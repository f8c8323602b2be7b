#include "child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cmm::test {

namespace {

using clock_type = std::chrono::steady_clock;

std::chrono::milliseconds left_until(clock_type::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - clock_type::now());
  return left.count() > 0 ? left : std::chrono::milliseconds{0};
}

} // namespace

child_process::child_process(const std::vector<std::string>& args,
                             const std::string& err_file) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    throw std::runtime_error("pipe failed");
  }
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      close(fd);
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    int err_fd = err_file.empty() ? err_pipe[1]
                                  : open(err_file.c_str(),
                                         O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(err_fd, STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
}

child_process::~child_process() {
  if (!status_) {
    signal(SIGTERM);
    auto deadline = clock_type::now() + std::chrono::seconds{5};
    while (!reap(false) && clock_type::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    if (!status_) {
      signal(SIGKILL);
      reap(true);
    }
  }
  close_pipes();
}

void child_process::signal(int sig) {
  if (!status_ && pid_ > 0)
    kill(pid_, sig);
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

void child_process::close_pipes() {
  for (int* fd : {&out_fd_, &err_fd_}) {
    if (*fd >= 0)
      close(*fd);
    *fd = -1;
  }
}

bool child_process::pump(milliseconds timeout) {
  pollfd fds[2];
  int n = 0;
  for (int fd : {out_fd_, err_fd_})
    if (fd >= 0)
      fds[n++] = pollfd{fd, POLLIN, 0};
  if (n == 0)
    return false;
  int rc = poll(fds, n, static_cast<int>(timeout.count()));
  if (rc <= 0)
    return false;
  for (int i = 0; i < n; ++i) {
    if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
      continue;
    char buf[4096];
    auto got = read(fds[i].fd, buf, sizeof(buf));
    if (got > 0) {
      (fds[i].fd == out_fd_ ? out_ : err_).append(buf, got);
    } else if (got == 0 || errno != EINTR) {
      int& fd = fds[i].fd == out_fd_ ? out_fd_ : err_fd_;
      close(fd);
      fd = -1;
    }
  }
  return true;
}

std::optional<std::string>
child_process::wait_for_line(const std::string& needle, milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    size_t start = 0;
    for (auto end = out_.find('\n'); end != std::string::npos;
         start = end + 1, end = out_.find('\n', start)) {
      auto line = out_.substr(start, end - start);
      if (line.find(needle) != std::string::npos)
        return line;
    }
    if (out_fd_ < 0 || left_until(deadline).count() == 0)
      return std::nullopt;
    pump(left_until(deadline));
  }
}

std::optional<process_result> child_process::wait(milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    if (left_until(deadline).count() == 0)
      return std::nullopt;
    pump(left_until(deadline));
  }
  while (!reap(false)) {
    if (left_until(deadline).count() == 0)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  process_result result;
  if (WIFEXITED(*status_))
    result.exit_code = WEXITSTATUS(*status_);
  else if (WIFSIGNALED(*status_))
    result.exit_code = 128 + WTERMSIG(*status_);
  result.out = out_;
  result.err = err_;
  return result;
}

} // namespace cmm::test
