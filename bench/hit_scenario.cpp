#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "cmm/blocking_client.hpp"
#include "cmm/model_manager.hpp"
#include "cmm/sim_backend.hpp"
#include "sample_stats.hpp"
#include "scenarios.hpp"

namespace cmm::bench {

namespace {

using clock_type = std::chrono::steady_clock;
using samples = std::shared_ptr<std::vector<double>>;

double micros_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::micro>(clock_type::now() - t0)
      .count();
}

/// Runs `step` (which calls its argument when done) `n` times in a row
/// inside an actor, timing each; tells `done` when finished.
caf::behavior timed_loop(
    caf::event_based_actor* self, size_t n, samples out,
    std::function<void(caf::event_based_actor*, std::function<void()>)> step,
    caf::actor done) {
  auto left = std::make_shared<size_t>(n);
  auto next = std::make_shared<std::function<void()>>();
  *next = [=] {
    if ((*left)-- == 0) {
      self->send(done, caf::ok_atom_v);
      self->quit();
      return;
    }
    auto t0 = clock_type::now();
    step(self, [=] {
      out->push_back(micros_since(t0));
      (*next)();
    });
  };
  self->send(self, caf::ok_atom_v);
  return {[=](caf::ok_atom) { (*next)(); }};
}

/// Answers every request at once: the floor for a round trip. A class,
/// since spawning a function without arguments trips UBSan in CAF 0.17.
class echo : public caf::event_based_actor {
public:
  using caf::event_based_actor::event_based_actor;

  caf::behavior make_behavior() override {
    return {[](caf::ok_atom x) { return x; }};
  }
};

sample_stats measure_in_actor(
    caf::actor_system& sys, size_t n,
    std::function<void(caf::event_based_actor*, std::function<void()>)> step) {
  auto out = std::make_shared<std::vector<double>>();
  caf::scoped_actor self{sys};
  sys.spawn(timed_loop, n, out, std::move(step), caf::actor{self});
  self->receive([](caf::ok_atom) {});
  return summarize(*out);
}

} // namespace

void run_hit(caf::actor_system& sys, size_t iterations) {
  manager_config cfg;
  cfg.dtype = "fp32";
  model_manager manager{sys, cfg, std::make_shared<sim_backend>()};
  auto sup = manager.supervisor();
  auto spec = model_spec::by_path("sim://warm", "base");
  blocking_client client{sys};
  auto warm = client.acquire(spec);
  auto partner = sys.spawn<echo>();
  constexpr auto timeout = std::chrono::seconds{10};

  auto round_trip = measure_in_actor(
      sys, iterations, [=](caf::event_based_actor* self, auto done) {
        self->request(partner, timeout, caf::ok_atom_v).then([=](caf::ok_atom) {
          done();
        });
      });
  auto actor_hit = measure_in_actor(
      sys, iterations, [=](caf::event_based_actor* self, auto done) {
        self->request(sup, timeout, acquire_atom_v, spec, caf::actor{})
            .then([=](const lease& granted) {
              self->request(sup, timeout, release_atom_v, granted.id)
                  .then([=](uint32_t) { done(); });
            });
      });
  std::vector<double> blocking;
  for (size_t i = 0; i < iterations; ++i) {
    auto t0 = clock_type::now();
    auto held = client.acquire(spec);
    client.release_model(held);
    blocking.push_back(micros_since(t0));
  }
  std::vector<double> blocking_trip;
  caf::scoped_actor self{sys};
  for (size_t i = 0; i < iterations; ++i) {
    auto t0 = clock_type::now();
    self->request(partner, timeout, caf::ok_atom_v)
        .receive([](caf::ok_atom) {}, [](caf::error&) {});
    blocking_trip.push_back(micros_since(t0));
  }
  auto blocking_hit = summarize(blocking);
  auto blocking_floor = summarize(blocking_trip);
  std::printf("%-46s %12s %12s %10s\n", "hit (warm model, sequential)",
              "median us", "p99 us", "vs floor");
  print_row("bare CAF request/response (actor)", round_trip, nullptr);
  print_row("acquire + release from an actor", actor_hit, &round_trip);
  print_row("bare CAF request/response (scoped_actor)", blocking_floor,
            nullptr);
  print_row("acquire + release, blocking client", blocking_hit,
            &blocking_floor);
  caf::anon_send_exit(partner, caf::exit_reason::user_shutdown);
}

} // namespace cmm::bench
