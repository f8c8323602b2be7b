#include "bench_options.hpp"

#include <algorithm>
#include <filesystem>
#include <thread>

#include <caf/config_option_adder.hpp>
#include <caf/settings.hpp>

namespace cmm::bench {

bench_config::bench_config() {
  caf::config_option_adder{custom_options_, "bench"}
      .add<std::string>("mode", "quick (default, all scenarios), full, smoke")
      // A string, not a bool: CAF 0.17 takes bools as bare flags only and
      // rejects `--bench.smoke=true`.
      .add<std::string>("smoke",
                        "true: tiny counts and models (same as mode=smoke)")
      .add<std::string>("out", "output directory (default bench-out)")
      .add<std::string>("model-dir",
                        "cache of generated models (default OUT/models)")
      .add<std::vector<std::string>>("scenarios",
                                     "run only these, e.g. [\"hit\",\"miss\"]")
      .add<size_t>("iterations", "acquire+release pairs per hit row")
      .add<double>("miss-mb", "size of the miss model in MB")
      .add<std::string>("device", "where miss and unload load models: cpu "
                                  "(fp32, default) or cuda:N (bf16)")
      .add<std::string>("node", "cmm-node for the remote scenario (default: "
                                "the build's tools/node/cmm-node)")
      .add<size_t>("scale-entries", "catalog entries of the large manager")
      .add<size_t>("scale-resident", "resident models of the large manager");
  auto hw = std::max(2u, std::thread::hardware_concurrency());
  set("scheduler.max-threads", size_t{hw});
}

namespace {

/// `tools/node/cmm-node` next to this program's directory in a build tree.
std::string default_node_program() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec)
    return "cmm-node";
  return (self.parent_path().parent_path() / "tools" / "node" / "cmm-node")
      .string();
}

} // namespace

std::optional<bench_options> read_bench_options(const bench_config& cfg,
                                                std::string& error) {
  bench_options out;
  auto mode = caf::get_or(cfg, "bench.mode", std::string{"quick"});
  auto smoke = caf::get_or(cfg, "bench.smoke", std::string{"false"});
  if (smoke != "true" && smoke != "false") {
    error = "bench.smoke: expected true or false, got '" + smoke + "'";
    return std::nullopt;
  }
  if (smoke == "true" || mode == "smoke")
    out.plan = plan_for(bench_mode::smoke);
  else if (mode == "quick")
    out.plan = plan_for(bench_mode::quick);
  else if (mode == "full")
    out.plan = plan_for(bench_mode::full);
  else {
    error = "bench.mode: expected quick, full or smoke, got '" + mode + "'";
    return std::nullopt;
  }
  out.out_dir = caf::get_or(cfg, "bench.out", out.out_dir);
  out.model_dir = caf::get_or(cfg, "bench.model-dir", out.out_dir + "/models");
  if (auto names =
          caf::get_if<std::vector<std::string>>(&cfg, "bench.scenarios"))
    out.scenarios = *names;
  if (auto n = caf::get_if<size_t>(&cfg, "bench.iterations")) {
    if (*n == 0) {
      error = "bench.iterations must be positive";
      return std::nullopt;
    }
    out.plan.hit_pairs = *n;
    out.plan.scale_pairs = *n;
  }
  if (auto mb = caf::get_if<double>(&cfg, "bench.miss-mb")) {
    if (*mb <= 0) {
      error = "bench.miss-mb must be positive";
      return std::nullopt;
    }
    out.plan.miss_mb = {*mb};
  }
  auto target = parse_load_target(caf::get_or(cfg, "bench.device", "cpu"));
  if (!target) {
    error = target.error().message;
    return std::nullopt;
  }
  out.target = *target;
  out.node_program = caf::get_or(cfg, "bench.node", default_node_program());
  out.plan.scale_catalog =
      caf::get_or(cfg, "bench.scale-entries", out.plan.scale_catalog);
  out.plan.scale_resident =
      caf::get_or(cfg, "bench.scale-resident", out.plan.scale_resident);
  if (out.plan.scale_resident == 0 ||
      out.plan.scale_resident > out.plan.scale_catalog) {
    error = "bench.scale-resident must be between 1 and bench.scale-entries";
    return std::nullopt;
  }
  return out;
}

size_t caf_workers(const bench_config& cfg) {
  return caf::get_or(cfg, "scheduler.max-threads", size_t{4});
}

} // namespace cmm::bench
