#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>
#include <caf/result.hpp>
#include <caf/typed_response_promise.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/backend.hpp"
#include "cmm/manager_config.hpp"
#include "cmm/model_entry.hpp"

namespace cmm {

struct supervisor_state;

using supervisor_pointer = supervisor_actor::stateful_pointer<supervisor_state>;

/// An acquire waiting for its model to become ready.
struct waiting_acquire {
  caf::typed_response_promise<lease> promise;
  caf::actor_addr holder;
};

/// One entry plus what only the actor layer knows about it.
struct entry_slot {
  model_entry entry;
  model_actor model;
  std::vector<waiting_acquire> waiting;
  /// Run once the entry has become absent after an unload.
  std::vector<std::function<void()>> on_absent;
};

/// One outstanding lease.
struct lease_record {
  std::string name;
  caf::actor_addr holder;
  uint64_t instance = 0;
  model_actor model;
  /// Its model was unloaded by force; releasing it only settles accounts.
  bool retired = false;
};

/// The supervisor's state and the logic of its handlers. Every handler runs
/// here, one message at a time, which is why nothing is locked.
struct supervisor_state {
  supervisor_pointer self = nullptr;
  manager_config cfg;
  backend_ptr model_backend;
  std::map<std::string, entry_slot> slots;
  std::unordered_map<uint64_t, lease_record> leases;
  std::map<caf::actor_addr, std::set<uint64_t>> holders;
  /// Model actors unloaded by force while leases on them remained: they
  /// answer inference with `model_unloaded` until the last lease is released.
  std::map<caf::actor_addr, uint32_t> retired_models;
  uint64_t next_lease_id = 1;

  static inline const char* name = "cmm.supervisor";

  caf::typed_response_promise<lease> acquire(const model_spec& spec,
                                             const caf::actor& holder);

  caf::result<uint32_t> release(uint64_t id);

  caf::typed_response_promise<bool> unload(const std::string& name, bool force);

  caf::typed_response_promise<uint32_t> unload_all(bool force);

  caf::typed_response_promise<std::vector<std::string>> cleanup();

  bool is_loaded(const std::string& name) const;

  std::vector<model_info> list() const;

  caf::result<model_info> info(const std::string& name) const;

  bool reset(const std::string& name);

  void on_idle_timer(const std::string& name, uint64_t instance);

  void on_holder_down(const caf::down_msg& msg);

  void on_exit(const caf::exit_msg& msg);

private:
  time_point now() const;

  lease grant(entry_slot& slot, const caf::actor_addr& holder);

  void start_load(entry_slot& slot);

  void on_loaded(const std::string& name, uint64_t instance,
                 const load_report& report);

  void on_load_failed(const std::string& name, uint64_t instance,
                      const caf::error& err);

  /// Starts unloading a ready entry; false if it is not ready, or in use
  /// and not forced.
  bool begin_unload(entry_slot& slot, const char* reason, bool force);

  void on_unloaded(const std::string& name, uint64_t instance,
                   const char* reason);

  void retire_leases(entry_slot& slot);

  void arm_idle_timer(entry_slot& slot, duration delay);

  void forget_lease(uint64_t id, const lease_record& rec);

  void stop_model(const model_actor& model);
};

} // namespace cmm
