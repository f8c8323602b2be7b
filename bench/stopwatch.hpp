#pragma once

// The harness's one clock: a monotonic clock read around each measured
// operation, with the conversions every scenario needs.

#include <chrono>

namespace cmm::bench {

using bench_clock = std::chrono::steady_clock;

/// Microseconds from `start` until now.
inline double micros_since(bench_clock::time_point start) {
  return std::chrono::duration<double, std::micro>(bench_clock::now() - start)
      .count();
}

/// A time point as microseconds since the clock's epoch.
inline double micros_of(bench_clock::time_point t) {
  return std::chrono::duration<double, std::micro>(t.time_since_epoch())
      .count();
}

/// Seconds from `start` until now.
inline double seconds_since(bench_clock::time_point start) {
  return std::chrono::duration<double>(bench_clock::now() - start).count();
}

} // namespace cmm::bench
