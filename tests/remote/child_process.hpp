#pragma once

// A program the remote tests start: its stdout and stderr go to a log file
// the test reads, its stdin is a pipe the test may write to. Destroying it
// stops the process if it still runs (SIGTERM, then SIGKILL after a grace
// period) and always reaps it, so no test leaves a process behind.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cmm::test {

class child_process {
public:
  /// Starts `args[0]` with `args`, logging to `log_file`. Throws
  /// `std::runtime_error` when it cannot be started.
  child_process(std::vector<std::string> args, std::string log_file);

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  ~child_process();

  pid_t pid() const noexcept { return pid_; }

  /// Sends `sig` (no-op once the process has been reaped).
  void signal(int sig);

  /// Writes `text` to the process's stdin.
  void write_input(const std::string& text);

  /// Closes the process's stdin.
  void close_input();

  /// Everything the process printed so far.
  std::string output() const;

  /// Waits until the output holds a line containing `needle` and returns
  /// that line; none when the process exits or `timeout` passes first.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout);

  /// Waits for the process to exit and returns its raw wait status; none
  /// when it still runs after `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  /// Whether the process has been reaped.
  bool exited() const noexcept { return status_.has_value(); }

private:
  bool reap(bool block);

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::string log_file_;
  std::optional<int> status_;
};

} // namespace cmm::test
