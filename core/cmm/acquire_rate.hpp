#pragma once

#include "cmm/clock.hpp"

namespace cmm {

/// A decaying count of recent acquires, read as acquires per second. Each
/// acquire adds 1; the sum halves every `half_life`.
struct acquire_rate {
  double weight = 0;
  time_point updated;
};

void record_acquire(acquire_rate& rate, time_point now, duration half_life);

/// Acquires per second, as of `now`.
double current_rate(const acquire_rate& rate, time_point now,
                    duration half_life);

} // namespace cmm
