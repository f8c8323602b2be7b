#pragma once

#include <caf/fwd.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/backend.hpp"
#include "cmm/manager_config.hpp"
#include "cmm/manager_metrics.hpp"

namespace cmm {

/// Owns the supervisor of one actor system: spawns it, registers it in the
/// system's registry (the seed's singleton, found with `find_supervisor`),
/// and on destruction stops it, which frees every loaded model. Destroy it
/// before its actor system, so the system's shutdown does not wait forever
/// for a supervisor nobody stops.
class model_manager {
public:
  model_manager(caf::actor_system& sys, manager_config cfg,
                backend_ptr model_backend);

  model_manager(const model_manager&) = delete;
  model_manager& operator=(const model_manager&) = delete;

  ~model_manager();

  const supervisor_actor& supervisor() const noexcept { return supervisor_; }

  /// What the supervisor and its model actors record, for a scrape.
  const manager_metrics_ptr& metrics() const noexcept { return metrics_; }

private:
  caf::actor_system& sys_;
  supervisor_actor supervisor_;
  manager_metrics_ptr metrics_;
};

/// The supervisor registered in `sys`, or an invalid handle.
supervisor_actor find_supervisor(caf::actor_system& sys);

} // namespace cmm
