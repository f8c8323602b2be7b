#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/manager_error.hpp"
#include "cmm/scoped_lease.hpp"

namespace cmm {

/// The model manager for code that is not an actor: each call blocks until
/// the supervisor answers and throws `manager_error` on failure. Method
/// names follow the seed's Python API. Safe to share between threads: each
/// call borrows a blocking actor from the client's own pool (creating one
/// per call cost more than the call), so threads never wait on each other. The
/// client holds its leases through a small actor of its own, so destroying
/// the client returns every lease it still holds. On a node's client
/// endpoint only acquire, release, infer, list and info work; the operator
/// verbs throw `not_permitted`.
class blocking_client {
public:
  /// Uses the supervisor registered in `sys` (see `model_manager`).
  explicit blocking_client(caf::actor_system& sys,
                           caf::timespan timeout = std::chrono::minutes{5});

  blocking_client(caf::actor_system& sys, supervisor_actor supervisor,
                  caf::timespan timeout = std::chrono::minutes{5});

  /// Uses a node's operator endpoint: every verb.
  blocking_client(caf::actor_system& sys, operator_actor node_operator,
                  caf::timespan timeout = std::chrono::minutes{5});

  /// Uses a node's client endpoint.
  blocking_client(caf::actor_system& sys, client_actor client,
                  caf::timespan timeout = std::chrono::minutes{5});

  blocking_client(const blocking_client&) = delete;
  blocking_client& operator=(const blocking_client&) = delete;

  ~blocking_client();

  /// Acquires a model by path and type (seed: `load_model`), loading it on
  /// first use. An empty device means the manager's default.
  scoped_lease load_model(const std::string& path, const std::string& type,
                          const std::string& device = {});

  /// Acquires a model by catalog id or by a full spec. The supervisor
  /// learns the client's timeout and grants nothing after it.
  scoped_lease acquire(const model_spec& spec);

  /// Returns a lease now (seed: `release_model`); answers the refs left.
  uint32_t release_model(scoped_lease& held);

  /// Runs the leased model.
  std::vector<tensor> infer(const lease& held, std::vector<tensor> inputs);

  /// Acquire, infer and release in one request (`run`): waits for the model
  /// as long as the client's timeout, and as long again for the inference.
  std::vector<tensor> infer_once(const model_spec& spec,
                                 std::vector<tensor> inputs);

  bool unload_model(const std::string& name, bool force = false);

  std::vector<std::string> cleanup_idle_models();

  uint32_t unload_all(bool force = false);

  bool is_model_loaded(const std::string& name);

  /// The models loaded or on their way (seed: `get_cached_models`).
  std::vector<model_info> get_cached_models();

  /// Every model the manager knows, absent ones and the whole catalog
  /// included, with its state.
  std::vector<model_info> list_models();

  /// Info on a model by name (catalog id or path); none for an unknown one.
  std::optional<model_info> get_model_info(const std::string& name);

  /// Clears a failed model's failure record so the next acquire loads it.
  bool reset_model(const std::string& name);

  /// Loads a model without holding it; it idles out like any other.
  model_info preload(const model_spec& spec);

  /// The memory budget of every device the manager knows.
  std::vector<device_budget> devices();

private:
  template <class T, class Handle, class... Ts>
  T call(const Handle& dest, Ts&&... xs);

  template <class T, class Handle, class... Ts>
  T call_within(caf::timespan timeout, const Handle& dest, Ts&&... xs);

  /// The operator handle; throws `not_permitted` without one.
  const operator_actor& operator_handle() const;

  /// A blocking actor to make one call with: an idle one of the pool, or a
  /// new one.
  std::unique_ptr<caf::scoped_actor> borrow_caller();

  /// Returns a caller to the pool once its call is answered.
  void return_caller(std::unique_ptr<caf::scoped_actor> caller);

  caf::actor_system& sys_;
  client_actor client_;
  operator_actor operator_;
  caf::timespan timeout_;
  caf::actor holder_;
  std::mutex callers_mtx_;
  std::vector<std::unique_ptr<caf::scoped_actor>> idle_callers_;
};

} // namespace cmm
