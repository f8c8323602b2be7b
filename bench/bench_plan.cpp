#include "bench_plan.hpp"

namespace cmm::bench {

const char* to_string(bench_mode x) {
  switch (x) {
  case bench_mode::smoke:
    return "smoke";
  case bench_mode::quick:
    return "quick";
  case bench_mode::full:
    return "full";
  }
  return "?";
}

bench_plan plan_for(bench_mode mode) {
  bench_plan plan;
  plan.mode = mode;
  switch (mode) {
  case bench_mode::smoke:
    plan.hit_pairs = 640;
    plan.blocking_pairs = 100;
    plan.slow_load_ms = 200;
    plan.slow_real_mb = 8;
    plan.miss_mb = {8};
    plan.miss_repetitions = 1;
    plan.flight_load_ms = 50;
    plan.unload_mb = {8};
    plan.unload_repetitions = 1;
    plan.churn_requests = 120;
    plan.churn_decisions = 2000;
    plan.remote_pairs = 100;
    plan.batch_requests = 256;
    plan.scale_catalog = 1000;
    plan.scale_resident = 100;
    plan.scale_pairs = 640;
    break;
  case bench_mode::quick:
    break;
  case bench_mode::full:
    plan.hit_pairs = 200000;
    plan.blocking_pairs = 20000;
    plan.miss_mb = {100, 500};
    plan.miss_repetitions = 7;
    plan.flight_load_ms = 1000;
    plan.unload_mb = {8, 100, 500};
    plan.unload_repetitions = 3;
    plan.churn_requests = 12000;
    plan.churn_decisions = 500000;
    plan.remote_pairs = 20000;
    plan.batch_requests = 40000;
    plan.scale_pairs = 200000;
    break;
  }
  return plan;
}

} // namespace cmm::bench
