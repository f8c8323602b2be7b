#pragma once

// How the harness writes numbers for people: durations with a unit that
// keeps three significant digits, rates with k/M suffixes.

#include <string>

#include "measurement.hpp"

namespace cmm::bench {

/// E.g. `850 ns`, `12.3 us`, `45.6 ms`, `2.01 s`.
std::string format_duration(double micros);

/// E.g. `512/s`, `41.2k/s`, `1.25M/s`.
std::string format_rate(double per_second);

/// E.g. `loads=1`, `GB/s=2.13`, `returned=98.7%`.
std::string format_figure(const figure& x);

/// E.g. `2.36x caf round trip, 1 actor`.
std::string format_ratio(const ratio& x);

} // namespace cmm::bench
