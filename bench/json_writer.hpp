#pragma once

// The machine-readable report: every row with its statistics, figures and
// ratios, plus the run's metadata. Latencies are in microseconds.

#include <string>

#include "bench_report.hpp"
#include "run_info.hpp"

namespace cmm::bench {

/// Writes the report as JSON to `path`; throws when the file cannot be
/// written.
void write_json(const std::string& path, const run_info& run,
                const bench_report& report);

} // namespace cmm::bench
