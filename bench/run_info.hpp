#pragma once

// What a report says about the run itself: mode, machine, command, when.

#include <string>

#include "bench_plan.hpp"
#include "machine_info.hpp"

namespace cmm::bench {

struct run_info {
  bench_plan plan;
  std::string command_line;
  /// UTC, ISO 8601.
  std::string started_at;
  double wall_seconds = 0;
  size_t caf_workers = 0;
  machine_info machine;
};

/// Now in UTC as `2025-01-31T12:34:56Z`.
std::string utc_now();

} // namespace cmm::bench
