#pragma once

#include <caf/fwd.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/backend.hpp"
#include "cmm/manager_config.hpp"
#include "cmm/manager_metrics.hpp"

namespace cmm {

/// Spawns the supervisor: the one actor that owns every model entry, its
/// state, references, holders, timers and waiting acquirers. Everything it
/// decides is delegated to core's pure functions; it never blocks. The
/// supervisor links to its model actors, so its exit takes them (and their
/// memory) along. It and its model actors record what happens in
/// `metrics`.
supervisor_actor spawn_supervisor(
    caf::actor_system& sys, manager_config cfg, backend_ptr model_backend,
    manager_metrics_ptr metrics = std::make_shared<manager_metrics>());

} // namespace cmm
