#pragma once

// What a run of concurrent clients produced: every step's latency, the wall
// time from the start signal to the last client's end, and failed steps.

#include <cstddef>
#include <utility>
#include <vector>

namespace cmm::bench {

struct client_run {
  std::vector<double> samples_us;
  /// When each step started (`micros_of`), in the order of `samples_us`.
  std::vector<double> starts_us;
  double wall_seconds = 0;
  size_t errors = 0;

  /// Keeps only the steps that started before `end_us` (`micros_of`).
  void keep_started_before(double end_us) {
    std::vector<double> samples;
    std::vector<double> starts;
    for (size_t i = 0; i < samples_us.size(); ++i) {
      if (starts_us[i] < end_us) {
        samples.push_back(samples_us[i]);
        starts.push_back(starts_us[i]);
      }
    }
    samples_us = std::move(samples);
    starts_us = std::move(starts);
  }

  /// Steps per second over the wall time.
  double throughput() const {
    return wall_seconds > 0 ? double(samples_us.size()) / wall_seconds : 0;
  }
};

} // namespace cmm::bench
