#pragma once

// Runs N plain threads at once, each doing its steps one after another, and
// times every step: the clients of the lock-based baselines and of the
// blocking client.

#include <atomic>
#include <functional>
#include <memory>

#include "client_run.hpp"

namespace cmm::bench {

/// One step; false (or an exception) counts as a failed step.
using thread_step = std::function<bool()>;

/// Makes a thread's step on that thread, before the common start, so
/// per-thread setup (e.g. a `scoped_actor`) is not measured.
using thread_step_factory = std::function<thread_step()>;

struct thread_clients_options {
  size_t threads = 1;
  /// Steps each thread does, unless `stop` is raised first.
  size_t steps_each = 1;
  std::shared_ptr<std::atomic<bool>> stop;
};

client_run run_client_threads(const thread_clients_options& opts,
                              thread_step_factory make_step);

} // namespace cmm::bench
