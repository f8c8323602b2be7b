#pragma once

// How much work each scenario does in each mode. Quick mode runs every
// scenario in well under two minutes on two cores; smoke mode only checks
// that the harness works; full mode is for numbers worth publishing.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cmm::bench {

enum class bench_mode { smoke, quick, full };

const char* to_string(bench_mode x);

struct bench_plan {
  bench_mode mode = bench_mode::quick;

  // -- hit: pairs per row, split evenly across the row's clients -------------
  size_t hit_pairs = 20000;
  size_t blocking_pairs = 4000;
  std::vector<size_t> hit_actors = {1, 16, 64};
  std::vector<size_t> blocking_threads = {1, 2};
  std::vector<size_t> baseline_threads = {1, 2, 16, 64};

  // -- head-of-line ----------------------------------------------------------
  uint32_t slow_load_ms = 2000;
  double slow_real_mb = 100;

  // -- miss ------------------------------------------------------------------
  std::vector<double> miss_mb = {100};
  int miss_repetitions = 5;

  // -- single-flight ---------------------------------------------------------
  size_t flight_clients = 100;
  uint32_t flight_load_ms = 300;

  // -- unload ----------------------------------------------------------------
  std::vector<double> unload_mb = {8, 100};
  int unload_repetitions = 3;

  // -- churn: a working set twice the budget --------------------------------
  size_t churn_models = 20;
  size_t churn_budget_models = 10;
  size_t churn_clients = 4;
  /// Acquire + release requests per policy, split across the clients.
  size_t churn_requests = 1200;
  /// Calls of the pure eviction policy per row.
  size_t churn_decisions = 50000;

  // -- remote: pairs and inferences per row ---------------------------------
  size_t remote_pairs = 2000;

  // -- batch: requests per MLP row (a quarter for the conv stack) ------------
  size_t batch_requests = 4000;
  std::vector<size_t> batch_clients = {1, 16, 64};

  // -- scale -----------------------------------------------------------------
  size_t scale_catalog = 10000;
  size_t scale_resident = 1000;
  size_t scale_small = 10;
  size_t scale_pairs = 20000;
};

/// The plan of a mode.
bench_plan plan_for(bench_mode mode);

} // namespace cmm::bench
