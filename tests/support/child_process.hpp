#pragma once

// A program a test starts. Its stdout, and its stderr either with stdout or
// apart, go to files in a temporary directory of its own, which the test
// reads as strings; its stdin is a pipe the test may write to. Destroying it
// stops the process if it still runs (SIGTERM, then SIGKILL after a grace
// period), always reaps it and removes its output files, so no test leaves a
// process behind, whatever it asserts.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cmm::test {

class temp_directory;

/// How a finished process ended and what it printed.
struct process_result {
  /// The raw wait status (see `WIFEXITED` and friends).
  int status = -1;
  /// The exit status, or 128 + the signal that killed it.
  int exit_code = -1;
  std::string out;
  std::string err;
};

class child_process {
public:
  using milliseconds = std::chrono::milliseconds;

  /// Where the process's stderr goes.
  enum class stderr_to {
    /// Into stdout's file, interleaved as printed: `out()` has both.
    out,
    /// Into a file of its own, read with `err()`.
    err,
  };

  /// Starts `args[0]` (a path) with `args`. Throws `std::runtime_error`
  /// when it cannot be started.
  explicit child_process(std::vector<std::string> args,
                         stderr_to err = stderr_to::out);

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

  /// Everything the process printed to stdout so far (and to stderr, unless
  /// that goes apart).
  std::string out() const;

  /// Everything the process printed to stderr so far, when that goes apart;
  /// otherwise empty.
  std::string err() const;

  /// Waits until stdout holds a line containing `needle` and returns that
  /// line; none when the process exits or `timeout` passes first. Only
  /// finished lines count while the process runs.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           milliseconds timeout);

  /// Waits for the process to exit and returns how it ended and all it
  /// printed; none when it still runs after `timeout` (it keeps running).
  std::optional<process_result> wait(milliseconds timeout);

  /// Whether the process has been reaped.
  bool exited() const noexcept { return status_.has_value(); }

private:
  /// Reaps the process if it has exited, waiting for that when `block`.
  bool reap(bool block);

  /// Reaps the process once it exits; false if it still runs after
  /// `timeout`.
  bool reap_within(milliseconds timeout);

  std::unique_ptr<temp_directory> dir_;
  std::string out_file_;
  std::string err_file_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::optional<int> status_;
};

/// The lines of `text`, without their newlines; a last line without one
/// counts too.
std::vector<std::string> lines_of(const std::string& text);

} // namespace cmm::test
