#pragma once

// The named scenarios of cmm-bench. Each one measures the manager next to
// its baselines in this process and adds its rows to the report; one that
// throws is reported as failed and the others still run.

#include <chrono>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "bench_options.hpp"
#include "bench_report.hpp"

namespace cmm::bench {

/// Every request the harness sends waits at most this long.
constexpr auto request_timeout = std::chrono::seconds{60};

struct scenario_context {
  caf::actor_system& sys;
  const bench_options& opts;
  const bench_plan& plan;
  bench_report& report;
};

struct scenario {
  const char* name;
  void (*run)(scenario_context& ctx);
};

void run_hit(scenario_context& ctx);
void run_head_of_line(scenario_context& ctx);
void run_miss(scenario_context& ctx);
void run_single_flight(scenario_context& ctx);
void run_unload(scenario_context& ctx);
void run_churn(scenario_context& ctx);
void run_scale(scenario_context& ctx);
void run_remote(scenario_context& ctx);
void run_http(scenario_context& ctx);
void run_batch(scenario_context& ctx);

/// All scenarios in the order a full run takes them.
const std::vector<scenario>& all_scenarios();

} // namespace cmm::bench
