#pragma once

// Order statistics of one set of latency samples.

#include <cstddef>
#include <vector>

namespace cmm::bench {

/// Median, 99th percentile and extremes of a set of durations (microseconds).
/// The percentile is the nearest-rank one: with fewer than 100 samples the
/// p99 is the maximum.
struct sample_stats {
  double median_us = 0;
  double p99_us = 0;
  double min_us = 0;
  double max_us = 0;
  double mean_us = 0;
  size_t count = 0;
};

sample_stats summarize(std::vector<double> samples_us);

/// The `q`-quantile (0..1, nearest rank) of sorted samples.
double quantile(const std::vector<double>& sorted, double q);

} // namespace cmm::bench
