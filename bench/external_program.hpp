#pragma once

// Runs other programs: gnuplot to completion, and a cmm-node in the
// background for the remote scenario. Every wait is bounded.

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cmm::bench {

struct program_outcome {
  /// False when the program could not be started (e.g. not installed).
  bool started = false;
  bool timed_out = false;
  int exit_code = -1;
  std::string error;
};

/// A program started in the background; `pid` is 0 if it did not start.
struct child_process {
  pid_t pid = 0;
  std::string error;
};

/// Starts `args[0]` (looked up in PATH) with `args`, its stdout and stderr
/// appended to `log_path`.
child_process start_program(const std::vector<std::string>& args,
                            const std::string& log_path);

/// Sends `signal` to the child and waits for it to exit; kills it after
/// `timeout`. Returns how it ended.
program_outcome stop_program(child_process& child, int signal,
                             std::chrono::milliseconds timeout);

/// Whether the child has exited (reaping it if so).
bool has_exited(child_process& child);

/// Waits for the child to exit on its own; kills it after `timeout`.
program_outcome wait_program(child_process& child,
                             std::chrono::milliseconds timeout);

/// Runs a program to completion (see `start_program`), killing it after
/// `timeout`.
program_outcome run_program(const std::vector<std::string>& args,
                            const std::string& log_path,
                            std::chrono::seconds timeout);

} // namespace cmm::bench
