#pragma once

// What a verb throws when it cannot do its job: one line for the operator
// and the exit status that goes with it. The node's own errors arrive as
// `cmm::manager_error` and are turned into a line by `main`.

#include <stdexcept>
#include <string>

namespace cmm::ctl {

/// Exit statuses of cmm-ctl.
enum class exit_code : int {
  ok = 0,
  /// The node answered with an error or refused the request.
  refused = 1,
  /// The command line is wrong.
  usage = 2,
  /// No node answers at the given address.
  unreachable = 3,
  /// A hold was interrupted by SIGINT or SIGTERM before its time.
  interrupted = 130,
};

/// A failure of cmm-ctl itself, carrying its exit status.
class ctl_error : public std::runtime_error {
public:
  ctl_error(exit_code code, const std::string& line)
      : std::runtime_error(line), code_(code) {
    // nop
  }

  exit_code code() const noexcept { return code_; }

private:
  exit_code code_;
};

} // namespace cmm::ctl
