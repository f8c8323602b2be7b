#include "cmm/gate.hpp"

#include <tuple>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "refuse_unexpected.hpp"

namespace cmm {

namespace {

/// The handlers of the client interface, forwarding to `target`.
template <class Self, class Target>
auto client_handlers(Self* self, Target target) {
  return std::make_tuple(
      [=](acquire_atom x, const model_spec& spec, const caf::actor& holder,
          caf::timespan wait) {
        return self->delegate(target, x, spec, holder, wait);
      },
      [=](run_atom x, const model_spec& spec, caf::timespan wait,
          std::vector<tensor>& inputs) {
        return self->delegate(target, x, spec, wait, std::move(inputs));
      },
      [=](release_atom x, uint64_t id, const lease_token& token) {
        return self->delegate(target, x, id, token);
      },
      [=](give_back_atom x, uint64_t id, const lease_token& token) {
        self->delegate(target, x, id, token);
      },
      [=](is_loaded_atom x, const std::string& name) {
        return self->delegate(target, x, name);
      },
      [=](list_atom x) { return self->delegate(target, x); },
      [=](info_atom x, const std::string& name) {
        return self->delegate(target, x, name);
      });
}

operator_actor::behavior_type operator_gate(operator_actor::pointer self,
                                            operator_actor target) {
  self->set_default_handler(refuse_unexpected);
  return std::apply(
      [&](auto... client) -> operator_actor::behavior_type {
        return {
            client...,
            [=](unload_atom x, const std::string& name, bool force) {
              return self->delegate(target, x, name, force);
            },
            [=](unload_all_atom x, bool force) {
              return self->delegate(target, x, force);
            },
            [=](cleanup_atom x) { return self->delegate(target, x); },
            [=](reset_atom x, const std::string& name) {
              return self->delegate(target, x, name);
            },
            [=](preload_atom x, const model_spec& spec) {
              return self->delegate(target, x, spec);
            },
            [=](devices_atom x) { return self->delegate(target, x); },
            [=](drain_atom x) { return self->delegate(target, x); },
        };
      },
      client_handlers(self, target));
}

} // namespace

client_actor::behavior_type client_gate(client_actor::pointer self,
                                        client_actor target) {
  self->set_default_handler(refuse_unexpected);
  return std::apply(
      [](auto... client) -> client_actor::behavior_type { return {client...}; },
      client_handlers(self, std::move(target)));
}

client_actor spawn_client_gate(caf::actor_system& sys, client_actor target) {
  return sys.spawn(client_gate, std::move(target));
}

operator_actor spawn_operator_gate(caf::actor_system& sys,
                                   operator_actor target) {
  return sys.spawn(operator_gate, std::move(target));
}

} // namespace cmm
