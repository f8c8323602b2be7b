#include "cmm/supervisor.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cmm/log.hpp"
#include "supervisor_log.hpp"
#include "supervisor_state.hpp"

namespace cmm {

const std::shared_ptr<spdlog::logger>& supervisor_log() {
  static auto instance = logger("supervisor");
  return instance;
}

namespace {

supervisor_actor::behavior_type supervisor_impl(supervisor_pointer self,
                                                manager_config cfg,
                                                backend_ptr model_backend,
                                                manager_metrics_ptr metrics) {
  self->set_down_handler(
      [self](caf::down_msg& msg) { self->state.on_actor_down(msg); });
  self->set_exit_handler(
      [self](caf::exit_msg& msg) { self->state.on_exit(msg); });
  self->state.init(self, std::move(cfg), std::move(model_backend),
                   std::move(metrics));
  return {
      [self](acquire_atom, const model_spec& spec, const caf::actor& holder,
             caf::timespan timeout) {
        return self->state.acquire(spec, holder, timeout);
      },
      [self](run_atom, const model_spec& spec, caf::timespan timeout,
             std::vector<tensor>& inputs) {
        return self->state.run(spec, timeout, std::move(inputs));
      },
      [self](done_atom, uint64_t id, const lease_token& token) {
        self->state.on_run_done(id, token);
      },
      [self](give_back_atom, uint64_t id, const lease_token& token) {
        self->state.give_back(id, token);
      },
      [self](release_atom, uint64_t id, const lease_token& token) {
        return self->state.release(id, token);
      },
      [self](unload_atom, const std::string& name, bool force) {
        return self->state.unload(name, force);
      },
      [self](unload_all_atom, bool force) {
        return self->state.unload_all(force);
      },
      [self](cleanup_atom) { return self->state.cleanup(); },
      [self](is_loaded_atom, const std::string& name) {
        return self->state.is_loaded(name);
      },
      [self](list_atom) { return self->state.list(); },
      [self](info_atom, const std::string& name) {
        return self->state.info(name);
      },
      [self](reset_atom, const std::string& name) {
        return self->state.reset(name);
      },
      [self](preload_atom, const model_spec& spec) {
        return self->state.preload(spec);
      },
      [self](devices_atom) { return self->state.devices(); },
      [self](drain_atom) { return self->state.drain(); },
      [self](idle_atom, const std::string& name, uint64_t instance) {
        if (self->state.from_self())
          self->state.on_idle_timer(name, instance);
      },
      [self](deadline_atom, const std::string& name, uint64_t waiter) {
        if (self->state.from_self())
          self->state.on_deadline(name, waiter);
      },
      [self](report_atom, const std::string& name, const load_report& report) {
        self->state.on_model_report(name, report);
      },
  };
}

} // namespace

supervisor_actor spawn_supervisor(caf::actor_system& sys, manager_config cfg,
                                  backend_ptr model_backend,
                                  manager_metrics_ptr metrics) {
  return sys.spawn(supervisor_impl, std::move(cfg), std::move(model_backend),
                   std::move(metrics));
}

} // namespace cmm
