#include "client.hpp"

#include <chrono>
#include <random>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "cmm/error.hpp"

namespace cmm::demo {

namespace {

struct client_state {
  client_plan plan;
  std::mt19937 rng;
  size_t rounds_started = 0;
  bool round_failed = false;
  lease held;

  static inline const char* name = "cmm.demo.client";
};

using client_pointer = caf::stateful_actor<client_state>*;

client_report& report_of(client_pointer self) {
  return *self->state.plan.report;
}

std::string signature(const tensor& x) {
  std::string out = to_string(x.type);
  out += '[';
  for (size_t i = 0; i < x.shape.size(); ++i)
    out += (i > 0 ? "," : "") + std::to_string(x.shape[i]);
  return out + ']';
}

std::string signature(const tensor& input, const std::vector<tensor>& outputs) {
  std::string out = signature(input) + " ->";
  for (const auto& y : outputs)
    out += ' ' + signature(y);
  return out;
}

caf::timespan hold_time(std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> millis{min_hold.count(),
                                                max_hold.count()};
  return std::chrono::milliseconds{millis(rng)};
}

void fail(client_pointer self, const char* step, const caf::error& err) {
  self->state.round_failed = true;
  report_of(self).errors.push_back(std::string{step} + ": " +
                                   to_string(to_failure(err)));
}

void start_round(client_pointer self);

void release_lease(client_pointer self) {
  auto& st = self->state;
  auto held = std::exchange(st.held, lease{});
  self->request(st.plan.supervisor, st.plan.timeout, release_atom_v, held.id,
                held.token)
      .then(
          [self](uint32_t) {
            if (!self->state.round_failed)
              ++report_of(self).rounds_ok;
            start_round(self);
          },
          [self](const caf::error& err) {
            fail(self, "release", err);
            start_round(self);
          });
}

void run_inference(client_pointer self, const demo_model& model,
                   const lease& granted) {
  auto& st = self->state;
  st.held = granted;
  report_of(self).instances[model.id()].insert(granted.model.address());
  auto input = make_input(model.blueprint, st.rng);
  self->request(granted.model, st.plan.timeout, infer_atom_v,
                std::vector<tensor>{input})
      .then(
          [self, &model, input](const std::vector<tensor>& outputs) {
            ++report_of(self).inferences[model.id()];
            report_of(self).signatures[model.id()] = signature(input, outputs);
            auto hold = hold_time(self->state.rng);
            self->delayed_send(self, hold, caf::tick_atom_v);
          },
          [self](const caf::error& err) {
            fail(self, "infer", err);
            release_lease(self);
          });
}

void start_round(client_pointer self) {
  auto& st = self->state;
  if (st.rounds_started == st.plan.rounds) {
    self->quit();
    return;
  }
  ++st.rounds_started;
  st.round_failed = false;
  std::uniform_int_distribution<size_t> pick{0, st.plan.models.size() - 1};
  const auto& model = st.plan.models[pick(st.rng)];
  self->request(st.plan.supervisor, st.plan.timeout + reply_margin,
                acquire_atom_v, model_spec::by_id(model.id()), caf::actor{},
                st.plan.timeout)
      .then([self, &model](
                const lease& granted) { run_inference(self, model, granted); },
            [self](const caf::error& err) {
              fail(self, "acquire", err);
              start_round(self);
            });
}

caf::behavior client(client_pointer self, client_plan plan) {
  self->state.plan = std::move(plan);
  self->state.rng.seed(self->state.plan.seed);
  start_round(self);
  // The lease has been held long enough.
  return {[self](caf::tick_atom) { release_lease(self); }};
}

} // namespace

caf::actor spawn_client(caf::actor_system& sys, client_plan plan) {
  return sys.spawn(client, std::move(plan));
}

} // namespace cmm::demo
