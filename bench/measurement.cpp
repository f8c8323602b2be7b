#include "measurement.hpp"

#include <utility>

namespace cmm::bench {

measurement make_latency_row(std::string scenario, std::string key,
                             std::string label, std::vector<double> samples_us,
                             std::string plot_group) {
  measurement row;
  row.scenario = std::move(scenario);
  row.key = std::move(key);
  row.label = std::move(label);
  row.latency = summarize(samples_us);
  row.plot_group = std::move(plot_group);
  if (!row.plot_group.empty())
    row.samples_us = std::move(samples_us);
  return row;
}

measurement make_run_row(std::string scenario, std::string key,
                         std::string label, client_run run,
                         std::string plot_group) {
  auto rate = run.throughput();
  auto row =
      make_latency_row(std::move(scenario), std::move(key), std::move(label),
                       std::move(run.samples_us), std::move(plot_group));
  row.throughput_per_s = rate;
  if (run.errors > 0)
    row.figures.push_back({"errors", double(run.errors), ""});
  return row;
}

std::optional<ratio> median_ratio(const measurement& x,
                                  const measurement& baseline) {
  if (!x.latency || !baseline.latency || x.latency->count == 0 ||
      baseline.latency->median_us <= 0)
    return std::nullopt;
  return ratio{baseline.label,
               x.latency->median_us / baseline.latency->median_us};
}

void compare(measurement& x, const measurement& baseline) {
  if (auto r = median_ratio(x, baseline))
    x.ratios.push_back(std::move(*r));
}

void compare_throughput(measurement& x, const measurement& baseline) {
  if (!x.throughput_per_s || !baseline.throughput_per_s ||
      *baseline.throughput_per_s <= 0)
    return;
  x.ratios.push_back({"throughput of " + baseline.label,
                      *x.throughput_per_s / *baseline.throughput_per_s});
}

void compare_p99(measurement& x, const measurement& baseline) {
  if (!x.latency || !baseline.latency || x.latency->count == 0 ||
      baseline.latency->p99_us <= 0)
    return;
  x.ratios.push_back({"p99 of " + baseline.label,
                      x.latency->p99_us / baseline.latency->p99_us});
}

} // namespace cmm::bench
