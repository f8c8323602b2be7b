#pragma once

// The harness's command line: CAF options in group `bench` next to the
// manager's `cmm` group and CAF's own (e.g. `scheduler.max-threads`).

#include <optional>
#include <string>
#include <vector>

#include "bench_plan.hpp"
#include "cmm/config.hpp"
#include "load_target.hpp"

namespace cmm::bench {

/// CAF config with the project's types and the `bench.*` options. Unless the
/// command line says otherwise, CAF gets one worker per hardware thread
/// rather than its default of at least four.
class bench_config : public manager_system_config {
public:
  bench_config();
};

struct bench_options {
  bench_plan plan;
  std::string out_dir = "bench-out";
  /// Where generated TorchScript files are cached between runs.
  std::string model_dir;
  /// Where the miss and unload scenarios load their models.
  load_target target;
  /// The cmm-node program the remote scenario starts.
  std::string node_program;
  /// Scenarios to run; empty runs all.
  std::vector<std::string> scenarios;
  /// The command line, for the report.
  std::string command_line;
};

/// Reads the parsed options; an error message names the bad option.
std::optional<bench_options> read_bench_options(const bench_config& cfg,
                                                std::string& error);

/// Worker threads of CAF's scheduler as configured.
size_t caf_workers(const bench_config& cfg);

} // namespace cmm::bench
