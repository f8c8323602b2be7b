// unload: how long freeing a real model takes and how much memory comes
// back: VmRSS (what the kernel gets back) and malloc's bytes in use (what
// the program freed) before the load, after it, and after the unload; for
// models on a GPU (`bench.device=cuda:N`) also the device's memory in use
// as its driver reports it.

#include <cstdio>

#include <malloc.h>

#include "bare_load.hpp"
#include "bench_models.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/torchscript_backend.hpp"
#include "manager_under_test.hpp"
#include "process_memory.hpp"
#include "scenario.hpp"
#include "seed_manager.hpp"
#include "stopwatch.hpp"

namespace cmm::bench {

namespace {

constexpr const char* scenario_name = "unload";

/// Unload times and memory deltas (MB) of repeated load + unload cycles.
struct unload_samples {
  std::vector<double> unload_us;
  std::vector<double> rss_loaded;
  std::vector<double> rss_freed;
  std::vector<double> heap_loaded;
  std::vector<double> heap_freed;
  std::vector<double> device_loaded;
  std::vector<double> device_freed;

  void add(double micros, memory_snapshot before, memory_snapshot loaded,
           memory_snapshot after) {
    auto mb = [](uint64_t x, uint64_t y) {
      return (double(x) - double(y)) / 1e6;
    };
    unload_us.push_back(micros);
    rss_loaded.push_back(mb(loaded.resident, before.resident));
    rss_freed.push_back(mb(loaded.resident, after.resident));
    heap_loaded.push_back(mb(loaded.heap, before.heap));
    heap_freed.push_back(mb(loaded.heap, after.heap));
    device_loaded.push_back(mb(loaded.device_used, before.device_used));
    device_freed.push_back(mb(loaded.device_used, after.device_used));
  }
};

double mean_of(const std::vector<double>& xs) {
  return summarize(xs).mean_us;
}

measurement row_of(const std::string& key, const std::string& label,
                   unload_samples s, bool on_gpu) {
  // Means, so the returned shares are totals over all cycles: a cycle that
  // reuses pages an earlier one kept shows no growth and returns nothing.
  auto rss_loaded = mean_of(s.rss_loaded);
  auto rss_freed = mean_of(s.rss_freed);
  auto heap_loaded = mean_of(s.heap_loaded);
  auto heap_freed = mean_of(s.heap_freed);
  auto device_loaded = mean_of(s.device_loaded);
  auto device_freed = mean_of(s.device_freed);
  auto row =
      make_latency_row(scenario_name, key, label, std::move(s.unload_us));
  row.figures.push_back({"RSS load", rss_loaded, " MB"});
  row.figures.push_back({"RSS unload", -rss_freed, " MB"});
  if (rss_loaded >= 1)
    row.figures.push_back({"RSS returned", rss_freed / rss_loaded * 100, "%"});
  if (heap_loaded >= 1)
    row.figures.push_back({"heap freed", heap_freed / heap_loaded * 100, "%"});
  if (on_gpu) {
    row.figures.push_back({"device load", device_loaded, " MB"});
    if (device_loaded >= 1)
      row.figures.push_back(
          {"device returned", device_freed / device_loaded * 100, "%"});
  }
  return row;
}

} // namespace

void run_unload(scenario_context& ctx) {
  auto& report = ctx.report;
  auto& target = ctx.opts.target;
  auto gpu = target.on_gpu();
  report.begin(scenario_name,
               "unload of an unused real model on " + target.label() +
                   ": time until the call returns; VmRSS and malloc's bytes "
                   "in use around it" +
                   (gpu ? ", and the device's memory in use" : ""));
  for (auto mb : ctx.plan.unload_mb) {
    auto path = ensure_model(ctx.opts.model_dir, mb);
    warm_up(path, target);
    malloc_trim(0); // what the allocator kept before does not count below
    unload_samples bare;
    unload_samples seed;
    unload_samples cmm;
    seed_manager seed_mgr{std::make_shared<torchscript_backend>(), true,
                          target};
    auto cfg = bench_manager_config(target);
    manager_under_test mut{ctx.sys, cfg, make_default_backend(cfg)};
    auto& client = mut.client();
    for (int i = 0; i < ctx.plan.unload_repetitions; ++i) {
      auto b = bare_load_and_free(path, target);
      bare.add(b.free_seconds * 1e6, b.before, b.loaded, b.after);
      auto snapshot = [&target] { return snapshot_memory(target.where); };
      auto before = snapshot();
      seed_mgr.load_model(path, "base");
      auto loaded = snapshot();
      seed_mgr.release_model(path);
      auto start = bench_clock::now();
      seed_mgr.unload_model(path);
      seed.add(micros_since(start), before, loaded, snapshot());
      before = snapshot();
      auto held = client.load_model(path, "base");
      loaded = snapshot();
      client.release_model(held);
      start = bench_clock::now();
      unload_unused(client, path);
      cmm.add(micros_since(start), before, loaded, snapshot());
    }
    char size[32];
    std::snprintf(size, sizeof(size), "%g MB", mb);
    auto key = "unload." + std::to_string(int(mb)) + "mb.";
    auto bare_label = gpu ? std::string{"bare module destruction + "
                                        "emptyCache, "}
                          : std::string{"bare module destruction, "};
    auto bare_row =
        report.add(row_of(key + "bare", bare_label + size, bare, gpu));
    auto seed_row =
        row_of(key + "seed", std::string{"seed (coarse lock) unload, "} + size,
               seed, gpu);
    compare(seed_row, bare_row);
    report.add(seed_row);
    auto row =
        row_of(key + "cmm", std::string{"cmm unload, "} + size, cmm, gpu);
    compare(row, bare_row);
    compare(row, seed_row);
    report.add(std::move(row));
    // What the allocator still holds after the unloads: pages it keeps for
    // reuse rather than returning them to the kernel.
    auto kept = resident_bytes();
    malloc_trim(0);
    auto trimmed = resident_bytes();
    char text[160];
    std::snprintf(text, sizeof(text),
                  "%s: after the unloads, malloc_trim(0) gave %.1f MB more "
                  "back to the kernel",
                  size, (double(kept) - double(trimmed)) / 1e6);
    report.note(scenario_name, text);
  }
  report.note(scenario_name,
              std::to_string(ctx.plan.unload_repetitions) +
                  " cycle(s) per size; MB are means per cycle; RSS "
                  "returned = share of the loads' VmRSS growth the unloads "
                  "gave back, heap freed = the same for malloc's bytes in "
                  "use; small models' tensors fall under glibc's mmap "
                  "threshold and stay in malloc's arenas when freed");
}

} // namespace cmm::bench
