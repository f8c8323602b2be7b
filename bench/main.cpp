// cmm-bench: hit and miss latencies of the model manager next to their
// baselines, measured in one run.

#include <cstdio>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/config_option_adder.hpp>

#include "cmm/config.hpp"
#include "scenarios.hpp"

namespace {

class bench_config : public cmm::manager_system_config {
public:
  bench_config() {
    caf::config_option_adder{custom_options_, "bench"}
        .add<size_t>("iterations", "hit iterations (default 20000)")
        .add<double>("miss-mb", "size of the miss model in MB (default 100)")
        .add<int>("miss-repetitions", "cold loads measured (default 5)")
        .add<std::string>("model-dir", "where bench models are cached");
  }
};

} // namespace

int main(int argc, char** argv) {
  bench_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "cmm-bench: %s\n", cfg.render(err).c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  caf::actor_system sys{cfg};
  cmm::bench::run_hit(sys, caf::get_or(cfg, "bench.iterations", size_t{20000}));
  std::printf("\n");
  cmm::bench::run_miss(
      sys, caf::get_or(cfg, "bench.model-dir", std::string{"models"}),
      caf::get_or(cfg, "bench.miss-mb", 100.0),
      caf::get_or(cfg, "bench.miss-repetitions", 5));
  return 0;
}
