#pragma once

// SIGINT and SIGTERM for the verbs that wait (`hold`, `watch`): while an
// `interruption` lives, the signals do not kill the process but cut short
// its `sleep_for`, so the verb can release what it holds and exit cleanly.

#include <chrono>

namespace cmm::ctl {

class interruption {
public:
  /// Installs the handlers; the destructor restores the previous ones.
  interruption();

  interruption(const interruption&) = delete;
  interruption& operator=(const interruption&) = delete;

  ~interruption();

  /// Waits for `timeout` or until a signal arrives; false if interrupted
  /// (now or earlier).
  bool sleep_for(std::chrono::milliseconds timeout);

  bool interrupted() const noexcept { return interrupted_; }

private:
  bool interrupted_ = false;
};

} // namespace cmm::ctl
