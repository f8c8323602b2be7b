#pragma once

#include <memory>
#include <optional>
#include <string>

#include <caf/actor_addr.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/backend.hpp"
#include "cmm/manager_config.hpp"
#include "cmm/manager_metrics.hpp"
#include "cmm/tensor_check.hpp"
#include "cmm/warmup_spec.hpp"

namespace cmm {

/// What a model actor is started with.
struct model_actor_setup {
  /// What to load.
  load_request request;
  std::string entry_name;
  std::optional<warmup_spec> warmup;
  /// What one inference request may carry.
  request_limits limits;
  /// What a cast model that fails its warmup or first inference does.
  cast_fallback on_cast_failure = cast_fallback::as_saved;
  /// Where its inference requests are counted; kept alive by `metrics`.
  manager_metrics_ptr metrics;
  model_metrics* series = nullptr;
};

/// State of one model actor: the backend it loads with, what to load, and
/// the model once loaded. Destroying it frees the model, which is how a
/// model actor killed at shutdown still returns its memory.
struct model_actor_state {
  backend_ptr model_backend;
  model_actor_setup setup;
  /// The only sender of load, move and free.
  caf::actor_addr supervisor;
  std::unique_ptr<loaded_model> model;
  /// A cast model proved itself (warmup or an inference passed), or its one
  /// fall-back to the saved precision was tried.
  bool cast_settled = false;

  ~model_actor_state();

  /// Refuses load, move and free from anyone but the supervisor.
  std::optional<caf::error>
  check_supervisor(const caf::strong_actor_ptr& sender) const;

  /// Loads, then warms up; blocks the actor's thread. A cast model that
  /// fails its warmup is loaded again as saved (per `on_cast_failure`).
  caf::result<load_report> load();

  /// Runs the model. The first failure of a cast model not yet proven
  /// loads it again as saved and, if that serves the request, keeps the
  /// saved one and leaves what changed in `switched` for the supervisor.
  result<std::vector<tensor>> infer(const std::vector<tensor>& inputs);

  /// Logs and answers why the model now runs as saved: its cast failed
  /// with `why` at `stage`.
  std::string note_fall_back(const failure& why, const char* stage) const;

  /// Set when `infer` replaced the cast model by the saved one.
  std::optional<load_report> switched;

  /// Checks and runs one inference request: what the handler answers.
  caf::expected<std::vector<tensor>> serve(const std::vector<tensor>& inputs);

  /// The model loaded again in its saved precision after the cast one
  /// failed with `why` at `stage`; the error to report instead when the
  /// fall-back is refused or fails.
  result<std::unique_ptr<loaded_model>> load_as_saved(const failure& why,
                                                      const char* stage);

  static inline const char* name = "cmm.model";
};

/// Behaviour of the model actor for `setup.entry_name`, serving
/// `supervisor`. Every inference request is checked against `setup.limits`
/// (see tensor_check.hpp) before the model sees it.
model_actor::behavior_type
model_actor_impl(model_actor::stateful_pointer<model_actor_state> self,
                 caf::actor_addr supervisor, backend_ptr model_backend,
                 model_actor_setup setup);

} // namespace cmm
