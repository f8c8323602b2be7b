// cmm-bench: the model manager's numbers next to lock-based baselines and
// bare libtorch/CAF floors, all measured in one process. Prints the table,
// then writes JSON, Markdown and a latency plot into the output directory.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include <caf/actor_system.hpp>

#include "bench_options.hpp"
#include "bench_report.hpp"
#include "json_writer.hpp"
#include "latency_plot.hpp"
#include "markdown_writer.hpp"
#include "run_info.hpp"
#include "scenario.hpp"
#include "stopwatch.hpp"

using namespace cmm::bench;

namespace {

std::string command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    bool plain = arg.find_first_of(" \t\"'$\\[]*?;&|<>") == std::string::npos;
    out += (i ? " " : "") + (plain ? arg : "'" + arg + "'");
  }
  return out;
}

bool selected(const bench_options& opts, const std::string& name) {
  return opts.scenarios.empty() ||
         std::find(opts.scenarios.begin(), opts.scenarios.end(), name) !=
             opts.scenarios.end();
}

/// Writes JSON, plot and Markdown; false if one of them could not be
/// written (a missing gnuplot is not a failure).
bool write_outputs(const bench_options& opts, const run_info& run,
                   const bench_report& report) {
  auto base = opts.out_dir + "/";
  try {
    write_json(base + "bench.json", run, report);
    auto plot = write_latency_plot(opts.out_dir, run, report);
    if (plot.png.empty())
      std::printf("plot: skipped (%s)\n", plot.status.c_str());
    write_markdown(base + "bench.md", run, report, plot.png, plot.status);
    std::printf("\nwrote %sbench.json, %sbench.md%s\n", base.c_str(),
                base.c_str(),
                plot.png.empty() ? "" : (", " + base + plot.png).c_str());
    return true;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "cmm-bench: %s\n", ex.what());
    return false;
  }
}

} // namespace

int main(int argc, char** argv) {
  bench_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "cmm-bench: %s\n",
                 cmm::describe_parse_error(err, cfg.config_file_path).c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  if (auto err = cfg.check_settings({"cmm", "bench"}, cfg.config_file_path)) {
    std::fprintf(stderr, "cmm-bench: %s\n", err->message.c_str());
    return 2;
  }
  std::string error;
  auto opts = read_bench_options(cfg, error);
  if (!opts) {
    std::fprintf(stderr, "cmm-bench: %s\n", error.c_str());
    return 2;
  }
  for (auto& name : opts->scenarios) {
    auto& all = all_scenarios();
    if (std::none_of(all.begin(), all.end(),
                     [&](const scenario& s) { return name == s.name; })) {
      std::fprintf(stderr, "cmm-bench: unknown scenario '%s'\n", name.c_str());
      return 2;
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(opts->out_dir, ec);
  if (ec) {
    std::fprintf(stderr, "cmm-bench: cannot create %s: %s\n",
                 opts->out_dir.c_str(), ec.message().c_str());
    return 2;
  }
  run_info run;
  run.plan = opts->plan;
  run.command_line = command_line(argc, argv);
  run.started_at = utc_now();
  run.caf_workers = caf_workers(cfg);
  run.machine = describe_machine();
  auto& m = run.machine;
  std::printf("cmm-bench %s mode, %s\n%s, %u hardware threads, CAF %s with "
              "%zu workers, libtorch %s\n",
              to_string(run.plan.mode), run.started_at.c_str(), m.cpu.c_str(),
              m.hardware_threads, m.caf_version.c_str(), run.caf_workers,
              m.torch_version.c_str());
  auto start = bench_clock::now();
  bench_report report{stdout};
  bool written = false;
  {
    caf::actor_system sys{cfg};
    for (auto& s : all_scenarios()) {
      if (!selected(*opts, s.name))
        continue;
      scenario_context ctx{sys, *opts, opts->plan, report};
      try {
        s.run(ctx);
      } catch (const std::exception& ex) {
        report.fail(s.name, ex.what());
      }
    }
    run.wall_seconds = seconds_since(start);
    // Written before the actor system shuts down, so a hung shutdown still
    // leaves the results behind.
    written = write_outputs(*opts, run, report);
  }
  std::printf("total %.1f s (with shutdown)\n", seconds_since(start));
  if (!report.failures().empty())
    std::printf("%zu scenario(s) failed\n", report.failures().size());
  return report.failures().empty() && written ? 0 : 1;
}
