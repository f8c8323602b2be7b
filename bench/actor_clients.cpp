#include "actor_clients.hpp"

#include <stdexcept>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "echo_actor.hpp"
#include "stopwatch.hpp"

namespace cmm::bench {

namespace {

/// What one client records; written only by its actor, read after it sent
/// its `ok_atom` to the coordinator.
struct client_log {
  std::vector<double> samples_us;
  std::vector<double> starts_us;
  size_t errors = 0;
};

caf::behavior client_actor(caf::event_based_actor* self,
                           std::shared_ptr<client_log> log, size_t steps,
                           std::shared_ptr<std::atomic<bool>> stop,
                           actor_step step, caf::actor coordinator) {
  if (!stop) {
    log->samples_us.reserve(steps);
    log->starts_us.reserve(steps);
  }
  auto left = std::make_shared<size_t>(steps);
  auto next = std::make_shared<std::function<void()>>();
  *next = [=] {
    if (*left == 0 || (stop && stop->load())) {
      self->send(coordinator, caf::ok_atom_v);
      self->quit();
      return;
    }
    --*left;
    auto start = bench_clock::now();
    step(self, [=](bool ok) {
      log->samples_us.push_back(micros_since(start));
      log->starts_us.push_back(micros_of(start));
      if (!ok)
        ++log->errors;
      (*next)();
    });
  };
  // Breaks the cycle next -> lambda -> next once the actor is done; doing it
  // inside the lambda would destroy the lambda while it runs.
  self->attach_functor([next] { *next = nullptr; });
  return {[=](caf::ok_atom) { (*next)(); }};
}

} // namespace

client_run run_actor_clients(caf::actor_system& sys,
                             const actor_clients_options& opts,
                             actor_step step) {
  return run_actor_clients(sys, opts,
                           actor_step_factory{[step](size_t) { return step; }});
}

client_run run_actor_clients(caf::actor_system& sys,
                             const actor_clients_options& opts,
                             actor_step_factory make_step) {
  caf::scoped_actor coordinator{sys};
  std::vector<std::shared_ptr<client_log>> logs;
  std::vector<caf::actor> clients;
  for (size_t i = 0; i < opts.clients; ++i) {
    logs.push_back(std::make_shared<client_log>());
    clients.push_back(sys.spawn(client_actor, logs.back(), opts.steps_each,
                                opts.stop, make_step(i),
                                caf::actor{coordinator}));
  }
  auto start = bench_clock::now();
  for (auto& c : clients)
    caf::anon_send(c, caf::ok_atom_v);
  bool late = false;
  for (size_t i = 0; i < opts.clients && !late; ++i)
    coordinator->receive([](caf::ok_atom) {},
                         caf::after(opts.deadline) >> [&] { late = true; });
  client_run out;
  out.wall_seconds = seconds_since(start);
  if (late) {
    if (opts.stop)
      *opts.stop = true;
    for (auto& c : clients)
      caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
    throw std::runtime_error("client actors were not done within the "
                             "deadline");
  }
  // The clients are done with their logs; emptying them here frees the
  // samples now rather than whenever the finished actors are destroyed.
  for (auto& log : logs) {
    out.samples_us.insert(out.samples_us.end(), log->samples_us.begin(),
                          log->samples_us.end());
    out.starts_us.insert(out.starts_us.end(), log->starts_us.begin(),
                         log->starts_us.end());
    out.errors += log->errors;
    std::vector<double>{}.swap(log->samples_us);
    std::vector<double>{}.swap(log->starts_us);
  }
  return out;
}

caf::actor spawn_echo(caf::actor_system& sys) {
  return sys.spawn<echo_actor>();
}

} // namespace cmm::bench
