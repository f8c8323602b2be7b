#pragma once

// One row of the harness's table: what was measured, how it was spread, and
// how it compares with the baselines measured in the same process.

#include <optional>
#include <string>
#include <vector>

#include "client_run.hpp"
#include "sample_stats.hpp"

namespace cmm::bench {

/// `value` times the median of the row labelled `against`.
struct ratio {
  std::string against;
  double value = 0;
};

/// A named number that is not a latency: loads counted, GB/s, bytes.
struct figure {
  std::string name;
  double value = 0;
  /// Printed after the value, e.g. `GB/s`, `MB`, `%`; may be empty.
  std::string unit;
};

struct measurement {
  std::string scenario;
  /// Unique within the run; names the row in JSON and in plots.
  std::string key;
  /// What a reader sees, e.g. `cmm acquire+release, 16 actors`.
  std::string label;
  std::optional<sample_stats> latency;
  /// Operations per second over the wall time of the run, where it applies.
  std::optional<double> throughput_per_s;
  std::vector<figure> figures;
  std::vector<ratio> ratios;
  /// Rows with the same group share a panel of the latency plot; empty for
  /// rows that are not plotted.
  std::string plot_group;
  /// The raw samples, kept only for plotted rows.
  std::vector<double> samples_us;
};

/// A row with latency statistics of `samples_us`; keeps the samples when
/// `plot_group` is set.
measurement make_latency_row(std::string scenario, std::string key,
                             std::string label, std::vector<double> samples_us,
                             std::string plot_group = {});

/// A latency row of `run`'s samples with its throughput, and a figure for
/// the failed steps where there are any.
measurement make_run_row(std::string scenario, std::string key,
                         std::string label, client_run run,
                         std::string plot_group = {});

/// `x`'s median over `baseline`'s, labelled with the baseline's label; none
/// when either has no latency.
std::optional<ratio> median_ratio(const measurement& x,
                                  const measurement& baseline);

/// Adds `median_ratio(x, baseline)` to `x` where it exists.
void compare(measurement& x, const measurement& baseline);

/// Adds the ratio of `x`'s throughput over `baseline`'s, labelled
/// `throughput of LABEL`.
void compare_throughput(measurement& x, const measurement& baseline);

/// Adds the ratio of `x`'s p99 over `baseline`'s, labelled `p99 of LABEL`.
void compare_p99(measurement& x, const measurement& baseline);

} // namespace cmm::bench
