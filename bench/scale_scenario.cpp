// scale: a large catalog and many resident models. Hit latency next to the
// same hit on a small manager, and the supervisor's memory per entry.

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "actor_clients.hpp"
#include "cmm/sim_backend.hpp"
#include "cmm_steps.hpp"
#include "manager_under_test.hpp"
#include "process_memory.hpp"
#include "scenario.hpp"
#include "stopwatch.hpp"

namespace cmm::bench {

namespace {

constexpr const char* scenario_name = "scale";

std::string id_of(size_t i) {
  return "m" + std::to_string(i);
}

struct scale_case {
  measurement hit;
  /// Per entry: VmRSS and malloc's bytes in use.
  memory_snapshot catalog;
  memory_snapshot resident;
  double fill_seconds = 0;
};

/// (after - before) / n for both measures.
memory_snapshot per_entry(memory_snapshot before, memory_snapshot after,
                          size_t n) {
  auto per = [n](uint64_t x, uint64_t y) { return x > y ? (x - y) / n : 0; };
  return {per(after.resident, before.resident), per(after.heap, before.heap)};
}

scale_case run_case(scenario_context& ctx, size_t entries, size_t resident) {
  auto cfg = bench_manager_config();
  for (size_t i = 0; i < entries; ++i) {
    catalog_entry entry;
    entry.id = id_of(i);
    entry.path = "sim://" + entry.id + "?bytes=1000000";
    entry.type = "base";
    cfg.models.emplace(entry.id, std::move(entry));
  }
  auto backend = std::make_shared<sim_backend>();
  scale_case out;
  auto at_start = settled_memory();
  manager_under_test mut{ctx.sys, cfg, backend};
  auto& client = mut.client();
  client.get_model_info(id_of(0)); // the supervisor has started
  auto with_catalog = settled_memory();
  auto start = bench_clock::now();
  for (size_t i = 0; i < resident; ++i)
    client.acquire(model_spec::by_id(id_of(i))).reset();
  out.fill_seconds = seconds_since(start);
  if (backend->resident() != resident)
    throw std::runtime_error("expected " + std::to_string(resident) +
                             " resident models, the backend holds " +
                             std::to_string(backend->resident()));
  auto with_resident = settled_memory();
  out.catalog = per_entry(at_start, with_catalog, entries);
  out.resident = per_entry(with_catalog, with_resident, resident);
  auto sup = mut.supervisor();
  auto spec = model_spec::by_id(id_of(resident / 2));
  actor_clients_options opts;
  opts.steps_each = ctx.plan.scale_pairs;
  auto run = run_actor_clients(ctx.sys, opts, acquire_release_step(sup, spec));
  out.hit = make_run_row(scenario_name, "scale.e" + std::to_string(entries),
                         "cmm hit, " + std::to_string(entries) + " entries, " +
                             std::to_string(resident) + " resident",
                         std::move(run), "scale");
  return out;
}

} // namespace

void run_scale(scenario_context& ctx) {
  auto& plan = ctx.plan;
  auto& report = ctx.report;
  report.begin(scenario_name,
               "acquire + release (by catalog id) from one actor on a small "
               "and on a large manager of simulated models");
  auto small = run_case(ctx, plan.scale_small, plan.scale_small);
  report.add(small.hit);
  auto large = run_case(ctx, plan.scale_catalog, plan.scale_resident);
  compare(large.hit, small.hit);
  auto kb = [](uint64_t x) { return double(x) / 1e3; };
  large.hit.figures.push_back(
      {"per catalog entry: RSS", kb(large.catalog.resident), " kB"});
  large.hit.figures.push_back({"heap", kb(large.catalog.heap), " kB"});
  large.hit.figures.push_back(
      {"per resident model: RSS", kb(large.resident.resident), " kB"});
  large.hit.figures.push_back({"heap", kb(large.resident.heap), " kB"});
  large.hit.figures.push_back({"fill", large.fill_seconds, " s"});
  report.add(std::move(large.hit));
  report.note(scenario_name,
              "memory per entry = growth of VmRSS (after malloc_trim) and "
              "of malloc's bytes in use over the entries; a resident "
              "model's includes its model actor's thread (detached "
              "actors); fill = acquiring the resident models one by one");
}

} // namespace cmm::bench
