#pragma once

// A program a ctl test runs, with stdout and stderr captured through pipes.
// Destroying it stops the process if it still runs (SIGTERM, then SIGKILL
// after a grace period) and always reaps it, so no test leaves a process
// behind, whatever it asserts.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cmm::test {

/// How a finished process ended and what it printed.
struct process_result {
  /// The exit status, or 128 + the signal that killed it.
  int exit_code = -1;
  std::string out;
  std::string err;
};

class child_process {
public:
  using milliseconds = std::chrono::milliseconds;

  /// Starts `args[0]` (a path) with `args`; its stderr goes to `err_file`
  /// instead of a pipe when one is named (for long-running processes whose
  /// stderr nobody reads). Throws `std::runtime_error` when it cannot fork;
  /// a failed exec ends the child with status 127.
  explicit child_process(const std::vector<std::string>& args,
                         const std::string& err_file = {});

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  ~child_process();

  pid_t pid() const noexcept { return pid_; }

  /// Sends `sig` unless the process has been reaped.
  void signal(int sig);

  /// Reads stdout until it holds a line containing `needle` and returns
  /// that line; none when the output ends or `timeout` passes first.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           milliseconds timeout);

  /// Reads both outputs to their end and reaps the process; none when it
  /// has not finished within `timeout` (it keeps running).
  std::optional<process_result> wait(milliseconds timeout);

  const std::string& out() const noexcept { return out_; }

  const std::string& err() const noexcept { return err_; }

private:
  /// Reads what the pipes offer within `timeout`; false when nothing came
  /// and both are not yet at their end.
  bool pump(milliseconds timeout);

  bool reap(bool block);

  void close_pipes();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  std::optional<int> status_;
};

} // namespace cmm::test
