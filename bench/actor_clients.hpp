#pragma once

// Runs N client actors at once, each doing its steps one after another (the
// next starts when the previous answered), and times every step.

#include <atomic>
#include <functional>
#include <memory>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "client_run.hpp"

namespace cmm::bench {

/// One step of a client: starts its requests from `self` and calls
/// `done(ok)` once they are answered.
using actor_step = std::function<void(caf::event_based_actor* self,
                                      std::function<void(bool ok)> done)>;

struct actor_clients_options {
  size_t clients = 1;
  /// Steps each client does, unless `stop` is raised first.
  size_t steps_each = 1;
  /// When set, clients stop starting steps once it is true.
  std::shared_ptr<std::atomic<bool>> stop;
  /// The run fails (throws) when the clients are not done by then.
  caf::timespan deadline = std::chrono::minutes{2};
};

/// Spawns the clients, starts them together and waits for all of them.
client_run run_actor_clients(caf::actor_system& sys,
                             const actor_clients_options& opts,
                             actor_step step);

/// Makes the step of client number `index` (0-based), for clients that
/// need state of their own, e.g. a random generator.
using actor_step_factory = std::function<actor_step(size_t index)>;

/// Like `run_actor_clients`, each client with a step of its own.
client_run run_actor_clients(caf::actor_system& sys,
                             const actor_clients_options& opts,
                             actor_step_factory make_step);

/// An actor answering every `caf::ok_atom` request at once: the floor of a
/// request/response round trip.
caf::actor spawn_echo(caf::actor_system& sys);

} // namespace cmm::bench
