#include "sample_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cmm::bench {

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty())
    return 0;
  auto rank = static_cast<size_t>(std::ceil(q * double(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

sample_stats summarize(std::vector<double> samples_us) {
  sample_stats out;
  out.count = samples_us.size();
  if (samples_us.empty())
    return out;
  std::sort(samples_us.begin(), samples_us.end());
  out.median_us = quantile(samples_us, 0.5);
  out.p99_us = quantile(samples_us, 0.99);
  out.min_us = samples_us.front();
  out.max_us = samples_us.back();
  out.mean_us = std::accumulate(samples_us.begin(), samples_us.end(), 0.0) /
                double(samples_us.size());
  return out;
}

} // namespace cmm::bench
