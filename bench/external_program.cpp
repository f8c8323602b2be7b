#include "external_program.hpp"

#include <cerrno>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "stopwatch.hpp"

extern char** environ;

namespace cmm::bench {

child_process start_program(const std::vector<std::string>& args,
                            const std::string& log_path) {
  child_process out;
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // Children start with an empty signal mask, whatever the calling thread
  // blocks.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    out.error = std::strerror(rc);
  else
    out.pid = pid;
  return out;
}

bool has_exited(child_process& child) {
  if (child.pid == 0)
    return true;
  int status = 0;
  auto done = waitpid(child.pid, &status, WNOHANG);
  if (done == child.pid || (done < 0 && errno != EINTR)) {
    child.pid = 0;
    return true;
  }
  return false;
}

program_outcome wait_program(child_process& child,
                             std::chrono::milliseconds timeout) {
  program_outcome out;
  if (child.pid == 0) {
    out.error = child.error;
    return out;
  }
  out.started = true;
  auto give_up = bench_clock::now() + timeout;
  int status = 0;
  for (;;) {
    auto done = waitpid(child.pid, &status, WNOHANG);
    if (done == child.pid)
      break;
    if (done < 0 && errno != EINTR) {
      out.error = std::strerror(errno);
      child.pid = 0;
      return out;
    }
    if (bench_clock::now() > give_up) {
      kill(child.pid, SIGKILL);
      waitpid(child.pid, &status, 0);
      child.pid = 0;
      out.timed_out = true;
      out.error = "timed out";
      return out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  child.pid = 0;
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

program_outcome stop_program(child_process& child, int signal,
                             std::chrono::milliseconds timeout) {
  if (child.pid != 0)
    kill(child.pid, signal);
  return wait_program(child, timeout);
}

program_outcome run_program(const std::vector<std::string>& args,
                            const std::string& log_path,
                            std::chrono::seconds timeout) {
  auto child = start_program(args, log_path);
  return wait_program(child, timeout);
}

} // namespace cmm::bench
