#include <chrono>
#include <cstdio>
#include <filesystem>

#include <caf/actor_system.hpp>

#include "cmm/blocking_client.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/model_generator.hpp"
#include "cmm/model_manager.hpp"
#include "sample_stats.hpp"
#include "scenarios.hpp"

namespace cmm::bench {

void run_miss(caf::actor_system& sys, const std::string& dir, double megabytes,
              int repetitions) {
  std::filesystem::create_directories(dir);
  auto path = dir + "/bench-" + std::to_string(int(megabytes)) + "mb.pt";
  if (!std::filesystem::exists(path))
    write_model(path, blueprint_of_size("base", megabytes));
  manager_config cfg;
  cfg.dtype = "fp32";
  model_manager manager{sys, cfg, make_default_backend(cfg)};
  blocking_client client{sys};
  using clock_type = std::chrono::steady_clock;
  std::vector<double> bare;
  std::vector<double> managed;
  bare_load_seconds(path); // warms the page cache for both sides
  for (int i = 0; i < repetitions; ++i) {
    bare.push_back(bare_load_seconds(path) * 1e6);
    auto t0 = clock_type::now();
    auto held = client.load_model(path, "base");
    managed.push_back(
        std::chrono::duration<double, std::micro>(clock_type::now() - t0)
            .count());
    client.release_model(held);
    client.unload_model(path);
  }
  auto size = std::filesystem::file_size(path) / 1e6;
  std::printf("%-46s %12s %12s %10s\n",
              ("miss (" + std::to_string(int(size)) + " MB fp32 file)").c_str(),
              "median us", "p99 us", "vs bare");
  auto bare_stats = summarize(bare);
  print_row("bare torch::jit::load", bare_stats, nullptr);
  print_row("cold acquire through the manager", summarize(managed),
            &bare_stats);
}

} // namespace cmm::bench
