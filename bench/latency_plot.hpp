#pragma once

// The PNG of the latency distributions: one panel per plot group (a CDF per
// row, log-scaled latency), drawn by gnuplot from a generated script and
// data file that stay in the output directory.

#include <string>

#include "bench_report.hpp"
#include "run_info.hpp"

namespace cmm::bench {

struct plot_outcome {
  /// The PNG's file name inside the output directory; empty if none.
  std::string png;
  /// Why there is no PNG, e.g. `gnuplot not found`.
  std::string status;
};

plot_outcome write_latency_plot(const std::string& out_dir, const run_info& run,
                                const bench_report& report);

} // namespace cmm::bench
