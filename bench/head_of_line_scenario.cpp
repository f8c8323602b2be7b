// head-of-line: hits on a warm model while another model loads. The coarse
// lock of the seed's design stalls every hit for the whole load; the
// careful design and the manager should not.

#include <cstdio>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "actor_clients.hpp"
#include "bench_models.hpp"
#include "careful_manager.hpp"
#include "cmm/default_backend.hpp"
#include "cmm_steps.hpp"
#include "manager_under_test.hpp"
#include "scenario.hpp"
#include "seed_manager.hpp"
#include "stopwatch.hpp"
#include "thread_clients.hpp"

namespace cmm::bench {

namespace {

constexpr const char* scenario_name = "head-of-line";
constexpr const char* warm_path = "sim://warm?bytes=1000000";

/// The hits one client made while the other model loaded.
struct hits_during_load {
  client_run hits;
  double load_seconds = 0;
};

/// Starts `load` on a thread of its own, waits until `loading()` reports
/// that it began, then runs `hits` (which stop when their flag is raised at
/// the end of the load) and keeps the hits that started before the load
/// ended: `load` returns that moment (`micros_of`).
template <class Load, class Loading, class Hits>
hits_during_load during_load(Load load, Loading loading, Hits hits) {
  auto stop = std::make_shared<std::atomic<bool>>(false);
  double end_us = 0;
  hits_during_load out;
  std::exception_ptr failure;
  std::thread loader{[&] {
    auto start = bench_clock::now();
    try {
      end_us = load();
    } catch (...) {
      failure = std::current_exception();
    }
    out.load_seconds = seconds_since(start);
    *stop = true;
  }};
  auto give_up = bench_clock::now() + std::chrono::seconds{30};
  while (!*stop && !loading() && bench_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::microseconds{200});
  try {
    out.hits = hits(stop);
  } catch (...) {
    loader.join();
    throw;
  }
  loader.join();
  if (failure)
    std::rethrow_exception(failure);
  out.hits.keep_started_before(end_us);
  return out;
}

client_run thread_hits(std::shared_ptr<std::atomic<bool>> stop,
                       std::function<void()> hit) {
  thread_clients_options opts;
  opts.steps_each = SIZE_MAX;
  opts.stop = std::move(stop);
  return run_client_threads(opts, [hit]() -> thread_step {
    return [hit] {
      hit();
      return true;
    };
  });
}

measurement row_of(const std::string& key, const std::string& label,
                   const std::string& group, hits_during_load run) {
  auto count = run.hits.samples_us.size();
  auto errors = run.hits.errors;
  auto row = make_latency_row(scenario_name, key, label,
                              std::move(run.hits.samples_us), group);
  row.throughput_per_s = double(count) / run.load_seconds;
  row.figures.push_back({"hits", double(count), ""});
  row.figures.push_back({"load", run.load_seconds, " s"});
  if (errors > 0)
    row.figures.push_back({"errors", double(errors), ""});
  return row;
}

hits_during_load baseline_case(lock_based_manager& mgr,
                               const std::string& slow_path) {
  mgr.load_model(warm_path, "base");
  mgr.release_model(warm_path);
  auto started = mgr.loads_started();
  // The load ends when the backend returns: hits that start while the seed
  // still holds its lock after that are not hits during the load.
  return during_load(
      [&] {
        mgr.load_model(slow_path, "base");
        return mgr.last_load_end_us();
      },
      [&] { return mgr.loads_started() > started; },
      [&](auto stop) {
        return thread_hits(stop, [&] {
          mgr.load_model(warm_path, "base");
          mgr.release_model(warm_path);
        });
      });
}

/// The manager's hits, from a client actor or a blocking-client thread.
hits_during_load cmm_case(caf::actor_system& sys, const std::string& slow_path,
                          bool from_actor) {
  auto cfg = bench_manager_config();
  manager_under_test mut{sys, cfg, make_default_backend(cfg)};
  auto& client = mut.client();
  auto warm = model_spec::by_path(warm_path, "base");
  client.acquire(warm).reset();
  auto slow = model_spec::by_path(slow_path, "base");
  auto loading = [&] {
    auto info = client.get_model_info(slow_path);
    return info && info->state == "loading";
  };
  auto load = [&] {
    client.acquire(slow).reset();
    return micros_of(bench_clock::now());
  };
  if (from_actor) {
    auto sup = mut.supervisor();
    return during_load(load, loading, [&](auto stop) {
      actor_clients_options opts;
      opts.steps_each = SIZE_MAX;
      opts.stop = stop;
      return run_actor_clients(sys, opts, acquire_release_step(sup, warm));
    });
  }
  return during_load(load, loading, [&](auto stop) {
    return thread_hits(stop, [&] {
      auto held = client.acquire(warm);
      client.release_model(held);
    });
  });
}

void run_case(scenario_context& ctx, const std::string& slow_path,
              const std::string& what, const std::string& tag) {
  auto& report = ctx.report;
  auto group = "head-of-line: hits during " + what;
  auto cfg = bench_manager_config();
  seed_manager seed{make_default_backend(cfg)};
  auto seed_row =
      report.add(row_of("hol." + tag + ".seed", "seed (coarse lock), " + what,
                        group, baseline_case(seed, slow_path)));
  careful_manager careful{make_default_backend(cfg)};
  auto careful_row = report.add(
      row_of("hol." + tag + ".careful", "careful (lock + once-flag), " + what,
             group, baseline_case(careful, slow_path)));
  for (bool from_actor : {true, false}) {
    auto who = from_actor ? "client actor" : "blocking client";
    auto row =
        row_of("hol." + tag + ".cmm-" + (from_actor ? "actor" : "thread"),
               std::string{"cmm "} + who + ", " + what, group,
               cmm_case(ctx.sys, slow_path, from_actor));
    compare_p99(row, seed_row);
    compare_p99(row, careful_row);
    report.add(std::move(row));
  }
}

} // namespace

void run_head_of_line(scenario_context& ctx) {
  auto& plan = ctx.plan;
  ctx.report.begin(scenario_name,
                   "one client hits a warm model while another model loads; "
                   "only hits started during the load count");
  char what[64];
  std::snprintf(what, sizeof(what), "%.3g s sim load",
                plan.slow_load_ms / 1000.0);
  run_case(ctx,
           "sim://slow?load_ms=" + std::to_string(plan.slow_load_ms) +
               "&bytes=1000000",
           what, "sim");
  auto path = ensure_model(ctx.opts.model_dir, plan.slow_real_mb);
  std::snprintf(what, sizeof(what), "%g MB TorchScript load",
                plan.slow_real_mb);
  run_case(ctx, path, what, "real");
  ctx.report.note(scenario_name,
                  "throughput = hits / load time; ratios compare p99");
}

} // namespace cmm::bench
