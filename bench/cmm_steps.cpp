#include "cmm_steps.hpp"

#include <caf/event_based_actor.hpp>

#include "scenario.hpp"

namespace cmm::bench {

actor_step acquire_release_step(client_actor sup, model_spec spec) {
  return acquire_release_step(std::move(sup),
                              [spec = std::move(spec)] { return spec; });
}

actor_step acquire_release_step(client_actor sup,
                                std::function<model_spec()> next_spec) {
  return [sup, next_spec](caf::event_based_actor* self,
                          std::function<void(bool)> done) {
    self->request(sup, request_timeout + reply_margin, acquire_atom_v,
                  next_spec(), caf::actor{}, caf::timespan{request_timeout})
        .then(
            [self, sup, done](const lease& granted) {
              self->request(sup, request_timeout, release_atom_v, granted.id,
                            granted.token)
                  .then([done](uint32_t) { done(true); },
                        [done](caf::error&) { done(false); });
            },
            [done](caf::error&) { done(false); });
  };
}

actor_step acquire_give_back_step(client_actor sup, model_spec spec) {
  return [sup, spec](caf::event_based_actor* self,
                     std::function<void(bool)> done) {
    self->request(sup, request_timeout + reply_margin, acquire_atom_v, spec,
                  caf::actor{}, caf::timespan{request_timeout})
        .then(
            [self, sup, done](const lease& granted) {
              self->send(sup, give_back_atom_v, granted.id, granted.token);
              done(true);
            },
            [done](caf::error&) { done(false); });
  };
}

actor_step run_step(client_actor sup, model_spec spec,
                    std::vector<tensor> inputs) {
  return [sup, spec, inputs](caf::event_based_actor* self,
                             std::function<void(bool)> done) {
    self->request(sup, request_timeout + request_timeout + reply_margin,
                  run_atom_v, spec, caf::timespan{request_timeout}, inputs)
        .then([done](const std::vector<tensor>&) { done(true); },
              [done](caf::error&) { done(false); });
  };
}

actor_step infer_step(inference_actor model, std::vector<tensor> inputs) {
  return [model, inputs](caf::event_based_actor* self,
                         std::function<void(bool)> done) {
    self->request(model, request_timeout, infer_atom_v, inputs)
        .then([done](const std::vector<tensor>&) { done(true); },
              [done](caf::error&) { done(false); });
  };
}

} // namespace cmm::bench
