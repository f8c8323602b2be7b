#pragma once

#include <memory>
#include <optional>
#include <string>

#include <caf/actor_addr.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/backend.hpp"
#include "cmm/tensor_check.hpp"
#include "cmm/warmup_spec.hpp"

namespace cmm {

/// State of one model actor: the backend it loads with, what to load, and
/// the model once loaded. Destroying it frees the model, which is how a
/// model actor killed at shutdown still returns its memory.
struct model_actor_state {
  backend_ptr model_backend;
  load_request request;
  std::string entry_name;
  std::optional<warmup_spec> warmup;
  /// What one inference request may carry.
  request_limits limits;
  /// The only sender of load, move and free.
  caf::actor_addr supervisor;
  std::unique_ptr<loaded_model> model;

  ~model_actor_state();

  /// Refuses load, move and free from anyone but the supervisor.
  std::optional<caf::error>
  check_supervisor(const caf::strong_actor_ptr& sender) const;

  /// Loads, then warms up; blocks the actor's thread.
  caf::result<load_report> load();

  static inline const char* name = "cmm.model";
};

/// Behaviour of the model actor for the entry `entry_name`, serving
/// `supervisor`. Every inference request is checked against `limits` (see
/// tensor_check.hpp) before the model sees it.
model_actor::behavior_type
model_actor_impl(model_actor::stateful_pointer<model_actor_state> self,
                 caf::actor_addr supervisor, backend_ptr model_backend,
                 load_request request, std::string entry_name,
                 std::optional<warmup_spec> warmup, request_limits limits);

} // namespace cmm
