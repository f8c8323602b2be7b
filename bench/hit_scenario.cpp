// hit: acquire + release of a warm model, by client actors and by threads
// through the blocking client, next to a bare CAF round trip of the same
// shape and to both lock-based baselines driven by as many threads.

#include <algorithm>
#include <map>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actor_clients.hpp"
#include "careful_manager.hpp"
#include "cmm/sim_backend.hpp"
#include "cmm_steps.hpp"
#include "manager_under_test.hpp"
#include "scenario.hpp"
#include "seed_manager.hpp"
#include "thread_clients.hpp"

namespace cmm::bench {

namespace {

constexpr const char* scenario_name = "hit";
constexpr const char* warm_path = "sim://warm?bytes=1000000";

std::string clients_label(size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

/// A latency row from a run, with throughput and errors; plotted for one
/// and for 64 clients.
measurement row_of(const std::string& key, const std::string& label,
                   client_run run, size_t clients) {
  auto group = clients == 1    ? std::string{"hit, 1 client"}
               : clients == 64 ? std::string{"hit, 64 clients"}
                               : std::string{};
  return make_run_row(scenario_name, key, label, std::move(run), group);
}

client_run baseline_run(lock_based_manager& mgr, size_t threads, size_t pairs) {
  thread_clients_options opts;
  opts.threads = threads;
  opts.steps_each = std::max<size_t>(1, pairs / threads);
  return run_client_threads(opts, [&mgr]() -> thread_step {
    return [&mgr] {
      mgr.load_model(warm_path, "base");
      mgr.release_model(warm_path);
      return true;
    };
  });
}

client_run floor_run(caf::actor_system& sys, caf::actor echo, size_t clients,
                     size_t pairs) {
  actor_clients_options opts;
  opts.clients = clients;
  opts.steps_each = std::max<size_t>(1, pairs / clients);
  return run_actor_clients(sys, opts, [echo](auto* self, auto done) {
    self->request(echo, request_timeout, caf::ok_atom_v)
        .then([done](caf::ok_atom) { done(true); },
              [done](caf::error&) { done(false); });
  });
}

/// `step` from `clients` actors at once, `pairs` steps in all.
client_run cmm_actor_run(caf::actor_system& sys, size_t clients, size_t pairs,
                         actor_step step) {
  actor_clients_options opts;
  opts.clients = clients;
  opts.steps_each = std::max<size_t>(1, pairs / clients);
  return run_actor_clients(sys, opts, std::move(step));
}

client_run scoped_floor_run(caf::actor_system& sys, caf::actor echo,
                            size_t threads, size_t pairs) {
  thread_clients_options opts;
  opts.threads = threads;
  opts.steps_each = std::max<size_t>(1, pairs / threads);
  return run_client_threads(opts, [&sys, echo]() -> thread_step {
    auto self = std::make_shared<caf::scoped_actor>(sys);
    return [self, echo] {
      bool ok = false;
      (*self)
          ->request(echo, request_timeout, caf::ok_atom_v)
          .receive([&](caf::ok_atom) { ok = true; }, [](caf::error&) {});
      return ok;
    };
  });
}

/// The smallest input worth a run: one row of four floats.
tensor tiny_input() {
  return make_tensor_from_floats(dtype::f32, {1, 4}, {1, 2, 3, 4});
}

/// `step` from `threads` threads at once, `pairs` steps in all.
client_run blocking_run(size_t threads, size_t pairs, thread_step step) {
  thread_clients_options opts;
  opts.threads = threads;
  opts.steps_each = std::max<size_t>(1, pairs / threads);
  return run_client_threads(opts, [step]() -> thread_step { return step; });
}

/// Acquire; the lease goes back one way as it leaves the scope.
thread_step blocking_acquire_step(blocking_client& client) {
  return [&client, spec = model_spec::by_path(warm_path, "base")] {
    client.acquire(spec);
    return true;
  };
}

thread_step blocking_run_step(blocking_client& client) {
  return [&client, spec = model_spec::by_path(warm_path, "base")] {
    return !client.infer_once(spec, {tiny_input()}).empty();
  };
}

} // namespace

void run_hit(scenario_context& ctx) {
  auto& plan = ctx.plan;
  auto& report = ctx.report;
  report.begin(scenario_name,
               "acquire + release of a warm model; each client does its "
               "pairs one after another, all clients at once");
  // The baselines, each with its own simulated backend.
  seed_manager seed{std::make_shared<sim_backend>()};
  careful_manager careful{std::make_shared<sim_backend>()};
  for (auto* mgr : {static_cast<lock_based_manager*>(&seed),
                    static_cast<lock_based_manager*>(&careful)}) {
    mgr->load_model(warm_path, "base");
    mgr->release_model(warm_path);
  }
  std::map<size_t, measurement> seed_rows;
  std::map<size_t, measurement> careful_rows;
  for (auto n : plan.baseline_threads) {
    auto who = clients_label(n, "thread");
    seed_rows[n] = report.add(row_of("hit.seed.t" + std::to_string(n),
                                     "seed (coarse lock), " + who,
                                     baseline_run(seed, n, plan.hit_pairs), n));
    careful_rows[n] =
        report.add(row_of("hit.careful.t" + std::to_string(n),
                          "careful (lock + once-flag), " + who,
                          baseline_run(careful, n, plan.hit_pairs), n));
  }
  manager_under_test mut{ctx.sys, bench_manager_config(),
                         std::make_shared<sim_backend>()};
  auto warm = model_spec::by_path(warm_path, "base");
  mut.client().acquire(warm).reset();
  auto echo = spawn_echo(ctx.sys);
  auto compare_with_baselines = [&](measurement& row, size_t n) {
    if (auto i = seed_rows.find(n); i != seed_rows.end())
      compare(row, i->second);
    if (auto i = careful_rows.find(n); i != careful_rows.end())
      compare(row, i->second);
  };
  // Adds a row of the manager against the floor of its shape, and against
  // the lock-based baselines when `with_baselines`.
  auto add_against = [&](measurement row, const measurement& floor, size_t n,
                         bool with_baselines) {
    compare(row, floor);
    compare_throughput(row, floor);
    if (with_baselines)
      compare_with_baselines(row, n);
    report.add(std::move(row));
  };
  for (auto n : plan.hit_actors) {
    auto who = clients_label(n, "actor");
    auto suffix = ".a" + std::to_string(n);
    auto actors_row = [&](const std::string& key, const std::string& label,
                          actor_step step) {
      return row_of(key + suffix, label + who,
                    cmm_actor_run(ctx.sys, n, plan.hit_pairs, std::move(step)),
                    n);
    };
    auto floor =
        report.add(row_of("hit.floor" + suffix, "bare CAF round trip, " + who,
                          floor_run(ctx.sys, echo, n, plan.hit_pairs), n));
    add_against(actors_row("hit.cmm", "cmm acquire+release, ",
                           acquire_release_step(mut.supervisor(), warm)),
                floor, n, true);
    add_against(actors_row("hit.cmm-oneway", "cmm acquire + one-way release, ",
                           acquire_give_back_step(mut.supervisor(), warm)),
                floor, n, false);
    add_against(actors_row("hit.cmm-run",
                           "cmm run (acquire + infer 1x4 + release), ",
                           run_step(mut.supervisor(), warm, {tiny_input()})),
                floor, n, false);
  }
  for (auto n : plan.blocking_threads) {
    auto who = clients_label(n, "thread");
    auto suffix = ".t" + std::to_string(n);
    auto threads_row = [&](const std::string& key, const std::string& label,
                           thread_step step) {
      return row_of(key + suffix, label + who,
                    blocking_run(n, plan.blocking_pairs, std::move(step)), n);
    };
    auto floor = report.add(
        row_of("hit.scoped-floor" + suffix,
               "bare CAF round trip, scoped_actor, " + who,
               scoped_floor_run(ctx.sys, echo, n, plan.blocking_pairs), n));
    add_against(threads_row("hit.cmm-blocking",
                            "cmm blocking client (acquire, one-way release), ",
                            blocking_acquire_step(mut.client())),
                floor, n, true);
    add_against(threads_row("hit.cmm-blocking-run",
                            "cmm blocking client infer_once (run), ",
                            blocking_run_step(mut.client())),
                floor, n, false);
  }
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
  report.note(scenario_name,
              std::to_string(plan.hit_pairs) +
                  " pairs per row split across its clients (blocking "
                  "client: " +
                  std::to_string(plan.blocking_pairs) +
                  "); throughput = pairs / wall time; ratios compare "
                  "medians");
}

} // namespace cmm::bench
