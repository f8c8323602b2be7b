// single-flight: many concurrent cold acquires of one model. Counts the
// loads each design starts and the time until every caller has its answer.

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actor_clients.hpp"
#include "careful_manager.hpp"
#include "cmm/sim_backend.hpp"
#include "manager_under_test.hpp"
#include "scenario.hpp"
#include "seed_manager.hpp"
#include "thread_clients.hpp"

namespace cmm::bench {

namespace {

constexpr const char* scenario_name = "single-flight";

measurement row_of(const std::string& key, const std::string& label,
                   client_run run, uint32_t loads) {
  auto wall = run.wall_seconds;
  auto errors = run.errors;
  auto row =
      make_latency_row(scenario_name, key, label, std::move(run.samples_us));
  row.figures.push_back({"loads", double(loads), ""});
  row.figures.push_back({"all answered", wall, " s"});
  if (errors > 0)
    row.figures.push_back({"errors", double(errors), ""});
  return row;
}

measurement baseline_row(lock_based_manager& mgr, const std::string& key,
                         const std::string& path, size_t clients) {
  thread_clients_options opts;
  opts.threads = clients;
  auto run = run_client_threads(opts, [&]() -> thread_step {
    return [&] {
      mgr.load_model(path, "base");
      mgr.release_model(path);
      return true;
    };
  });
  return row_of(key, mgr.name() + ", " + std::to_string(clients) + " threads",
                std::move(run), mgr.loads_started());
}

} // namespace

void run_single_flight(scenario_context& ctx) {
  auto& plan = ctx.plan;
  auto& report = ctx.report;
  auto path = "sim://flight?load_ms=" + std::to_string(plan.flight_load_ms) +
              "&bytes=1000000";
  report.begin(scenario_name,
               std::to_string(plan.flight_clients) +
                   " concurrent cold acquires of one simulated model that "
                   "loads in " +
                   std::to_string(plan.flight_load_ms) + " ms");
  auto n = plan.flight_clients;
  seed_manager seed{std::make_shared<sim_backend>()};
  auto seed_row = report.add(baseline_row(seed, "flight.seed", path, n));
  seed_manager seed_unlocked{std::make_shared<sim_backend>(), false};
  report.add(baseline_row(seed_unlocked, "flight.seed-unlocked", path, n));
  careful_manager careful{std::make_shared<sim_backend>()};
  auto careful_row =
      report.add(baseline_row(careful, "flight.careful", path, n));
  auto backend = std::make_shared<sim_backend>();
  manager_under_test mut{ctx.sys, bench_manager_config(), backend};
  auto sup = mut.supervisor();
  auto spec = model_spec::by_path(path, "base");
  actor_clients_options opts;
  opts.clients = n;
  auto run =
      run_actor_clients(ctx.sys, opts, [sup, spec](auto* self, auto done) {
        self->request(sup, request_timeout + reply_margin, acquire_atom_v, spec,
                      caf::actor{}, caf::timespan{request_timeout})
            .then(
                [self, sup, done](const lease& granted) {
                  self->send(sup, release_atom_v, granted.id, granted.token);
                  done(true);
                },
                [done](caf::error&) { done(false); });
      });
  auto row =
      row_of("flight.cmm", "cmm, " + std::to_string(n) + " client actors",
             std::move(run), backend->loads(path));
  compare(row, seed_row);
  compare(row, careful_row);
  report.add(std::move(row));
  report.note(scenario_name,
              "latency = each caller's wait; all answered = start signal to "
              "the last answer");
}

} // namespace cmm::bench
