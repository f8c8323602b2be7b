#pragma once

#include <string>
#include <vector>

namespace cmm::bench {

/// Median and 99th percentile of a set of durations in microseconds.
struct sample_stats {
  double median_us = 0;
  double p99_us = 0;
  size_t count = 0;
};

sample_stats summarize(std::vector<double> samples_us);

/// One table row: `name  median  p99  ratio-to-baseline`.
void print_row(const std::string& name, const sample_stats& x,
               const sample_stats* baseline);

} // namespace cmm::bench
