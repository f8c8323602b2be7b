#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/backend.hpp"
#include "cmm/batching.hpp"
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
  /// Dynamic batching of its inference requests (off unless enabled).
  batch_policy batch;
  /// Where its inference requests are counted; kept alive by `metrics`.
  manager_metrics_ptr metrics;
  model_metrics* series = nullptr;
};

struct model_actor_state;

using model_actor_pointer = model_actor::stateful_pointer<model_actor_state>;

/// An inference request waiting for its batch.
struct pending_inference {
  caf::typed_response_promise<std::vector<tensor>> answer;
  std::vector<tensor> inputs;
  int64_t rows = 0;
  time_point arrived;
  /// A run's lease, given back once answered; id 0 for a plain inference.
  uint64_t lease_id = 0;
  lease_token token;
};

/// State of one model actor: the backend it loads with, what to load, and
/// the model once loaded. Destroying it frees the model, which is how a
/// model actor killed at shutdown still returns its memory.
struct model_actor_state {
  model_actor_pointer self = nullptr;
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
  /// saved one and reports the switch to the supervisor.
  result<std::vector<tensor>> infer(const std::vector<tensor>& inputs);

  /// Logs and answers why the model now runs as saved: its cast failed
  /// with `why` at `stage`.
  std::string note_fall_back(const failure& why, const char* stage) const;

  /// Why a request with `inputs` cannot run: no model loaded, or inputs
  /// outside `setup.limits`; none when it can.
  std::optional<failure> refusal(const std::vector<tensor>& inputs) const;

  /// Runs the model on checked inputs; an exception becomes
  /// `inference_failed`.
  caf::expected<std::vector<tensor>> forward(const std::vector<tensor>& inputs);

  /// One request on checked inputs, in a forward of its own: timed and
  /// counted, and a run's lease given back. A request that waited for a
  /// batch was checked when it arrived, and the model stays until every
  /// waiting request has run (moves and frees run them first).
  caf::expected<std::vector<tensor>>
  run_alone(const std::vector<tensor>& inputs, uint64_t lease_id,
            const lease_token& token);

  /// An inference request, plain (`lease_id` 0) or a run's: served now, or
  /// queued for a batch when the model batches and the request can join
  /// one.
  caf::result<std::vector<tensor>> accept(std::vector<tensor> inputs,
                                          uint64_t lease_id,
                                          const lease_token& token);

  /// Runs the waiting requests that are due (all of them with `all`), and
  /// arms the batching timer for the rest.
  void run_due(bool all);

  /// One forward for the whole batch, each request answered with its rows;
  /// false, with nothing answered, when the forward fails or its outputs
  /// do not keep one row per input row.
  bool run_together(std::vector<pending_inference>& batch);

  /// Each request on its own, so that a bad input fails only itself.
  void run_one_by_one(std::vector<pending_inference>& batch);

  /// Sends a run's lease back to the supervisor.
  void give_back(uint64_t lease_id, const lease_token& token);

  /// Counts one answered request in the model's metrics.
  void record(bool ok, duration took);

  /// Requests waiting for a batch, oldest first.
  std::vector<pending_inference> pending;
  /// A `flush` is in the mailbox.
  bool flush_posted = false;
  /// When the armed batching timer fires; max when none is armed.
  time_point timer_due = time_point::max();

  /// The model loaded again in its saved precision after the cast one
  /// failed with `why` at `stage`; the error to report instead when the
  /// fall-back is refused or fails.
  result<std::unique_ptr<loaded_model>> load_as_saved(const failure& why,
                                                      const char* stage);

  static inline const char* name = "cmm.model";
};

/// Behaviour of the model actor for `setup.entry_name`, serving
/// `supervisor`. Every inference request is checked against `setup.limits`
/// (see tensor_check.hpp) before the model sees it. With `setup.batch`
/// enabled, requests that arrive while one waits or runs join its forward
/// (see batching.hpp); a batch that fails is run again request by request.
model_actor::behavior_type model_actor_impl(model_actor_pointer self,
                                            caf::actor_addr supervisor,
                                            backend_ptr model_backend,
                                            model_actor_setup setup);

} // namespace cmm
