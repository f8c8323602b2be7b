#include "sample_stats.hpp"

#include <algorithm>
#include <cstdio>

namespace cmm::bench {

sample_stats summarize(std::vector<double> samples_us) {
  sample_stats out;
  out.count = samples_us.size();
  if (samples_us.empty())
    return out;
  std::sort(samples_us.begin(), samples_us.end());
  out.median_us = samples_us[samples_us.size() / 2];
  out.p99_us =
      samples_us[std::min(samples_us.size() - 1, samples_us.size() * 99 / 100)];
  return out;
}

void print_row(const std::string& name, const sample_stats& x,
               const sample_stats* baseline) {
  std::printf("%-46s %12.2f %12.2f", name.c_str(), x.median_us, x.p99_us);
  if (baseline && baseline->median_us > 0)
    std::printf(" %9.2fx", x.median_us / baseline->median_us);
  std::printf("\n");
}

} // namespace cmm::bench
