// miss: a cold acquire of a generated TorchScript model through the manager
// next to a bare `torch::jit::load` of the same file (with the cast a GPU
// load needs), the seed's design loading it through the same backend, and
// plain reading of the file. All sides load to `bench.device`.

#include <cstdio>
#include <filesystem>
#include <optional>

#include "bare_load.hpp"
#include "bench_models.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/torchscript_backend.hpp"
#include "manager_under_test.hpp"
#include "scenario.hpp"
#include "seed_manager.hpp"
#include "stopwatch.hpp"

namespace cmm::bench {

namespace {

constexpr const char* scenario_name = "miss";

struct miss_samples {
  std::vector<double> read;
  std::vector<double> bare;
  std::vector<double> seed;
  std::vector<double> cmm;
};

miss_samples measure(caf::actor_system& sys, const std::string& path,
                     const load_target& target, int repetitions) {
  // Warms the page cache, libtorch and the device, so every side starts
  // warm.
  warm_up(path, target);
  seed_manager seed{std::make_shared<torchscript_backend>(), true, target};
  auto cfg = bench_manager_config(target);
  manager_under_test mut{sys, cfg, make_default_backend(cfg)};
  auto& client = mut.client();
  miss_samples out;
  for (int i = 0; i < repetitions; ++i) {
    out.read.push_back(read_file_seconds(path) * 1e6);
    out.bare.push_back(bare_load_and_free(path, target).load_seconds * 1e6);
    auto start = bench_clock::now();
    seed.load_model(path, "base");
    out.seed.push_back(micros_since(start));
    seed.release_model(path);
    seed.unload_model(path);
    start = bench_clock::now();
    auto held = client.load_model(path, "base");
    out.cmm.push_back(micros_since(start));
    client.release_model(held);
    unload_unused(client, path);
  }
  return out;
}

} // namespace

void run_miss(scenario_context& ctx) {
  auto& report = ctx.report;
  auto& target = ctx.opts.target;
  report.begin(scenario_name,
               "cold load of a generated fp32 TorchScript file to " +
                   target.label() +
                   " (page cache warm), then unload; "
                   "repeated");
  std::optional<measurement> first_bare;
  for (auto mb : ctx.plan.miss_mb) {
    auto path = ensure_model(ctx.opts.model_dir, mb);
    double gb = double(std::filesystem::file_size(path)) / 1e9;
    auto samples = measure(ctx.sys, path, target, ctx.plan.miss_repetitions);
    char size[32];
    std::snprintf(size, sizeof(size), "%.0f MB", gb * 1e3);
    auto key = "miss." + std::to_string(int(mb)) + "mb.";
    auto gbps = [gb](const measurement& row) {
      return figure{"GB/s", gb / (row.latency->median_us / 1e6), ""};
    };
    auto read = make_latency_row(scenario_name, key + "read",
                                 std::string{"read the file, "} + size,
                                 std::move(samples.read));
    read.figures.push_back(gbps(read));
    report.add(read);
    auto bare_label = target.precision == dtype::f32
                          ? std::string{"bare torch::jit::load, "}
                          : std::string{"bare torch::jit::load + cast, "};
    auto bare = make_latency_row(scenario_name, key + "bare", bare_label + size,
                                 std::move(samples.bare));
    bare.figures.push_back(gbps(bare));
    compare(bare, read);
    report.add(bare);
    if (!first_bare)
      first_bare = bare;
    auto overhead = [&bare](const measurement& row) {
      return figure{
          "overhead",
          (row.latency->median_us / bare.latency->median_us - 1) * 100, "%"};
    };
    // Best of N: each side's least disturbed run, for machines where other
    // work comes and goes.
    auto best_overhead = [&bare](const measurement& row) {
      return figure{"best-of overhead",
                    (row.latency->min_us / bare.latency->min_us - 1) * 100,
                    "%"};
    };
    auto seed = make_latency_row(scenario_name, key + "seed",
                                 std::string{"seed (coarse lock), "} + size,
                                 std::move(samples.seed));
    compare(seed, bare);
    seed.figures.push_back(overhead(seed));
    seed.figures.push_back(best_overhead(seed));
    seed.figures.push_back(gbps(seed));
    report.add(seed);
    auto cmm = make_latency_row(scenario_name, key + "cmm",
                                std::string{"cmm cold acquire, "} + size,
                                std::move(samples.cmm));
    compare(cmm, bare);
    compare(cmm, seed);
    cmm.figures.push_back(overhead(cmm));
    cmm.figures.push_back(best_overhead(cmm));
    cmm.figures.push_back(gbps(cmm));
    report.add(cmm);
  }
  if (!target.on_gpu() && first_bare) {
    // The CPU's default keeps the file's precision; what a cast costs (the
    // GPU's default, bf16) shows here, against the same bare load.
    load_target cast_target{target.where, dtype::bf16};
    auto mb = ctx.plan.miss_mb.front();
    auto path = ensure_model(ctx.opts.model_dir, mb);
    auto samples =
        measure(ctx.sys, path, cast_target, ctx.plan.miss_repetitions);
    auto key = "miss." + std::to_string(int(mb)) + "mb.bf16.";
    auto size = std::to_string(int(mb)) + " MB";
    auto bare = make_latency_row(scenario_name, key + "bare",
                                 "bare torch::jit::load + bf16 cast, " + size,
                                 std::move(samples.bare));
    compare(bare, *first_bare);
    report.add(bare);
    auto cmm = make_latency_row(scenario_name, key + "cmm",
                                "cmm cold acquire, dtype=bf16, " + size,
                                std::move(samples.cmm));
    compare(cmm, bare);
    report.add(std::move(cmm));
  }
  report.note(scenario_name,
              std::to_string(ctx.plan.miss_repetitions) +
                  " repetition(s) per size, sides interleaved; overhead "
                  "and GB/s from medians, best-of overhead from each side's "
                  "fastest run");
}

} // namespace cmm::bench
