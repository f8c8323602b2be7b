#include "cmm/acquire_rate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace cmm {

namespace {

double seconds(duration x) {
  return std::chrono::duration<double>(x).count();
}

/// The weight of `rate` as of `now`: halved for every `half_life` since it
/// was last updated. Time never runs backwards here: an earlier `now` leaves
/// the weight as it is.
double decayed_weight(const acquire_rate& rate, time_point now,
                      duration half_life) {
  if (rate.weight == 0 || now <= rate.updated)
    return rate.weight;
  if (half_life <= duration::zero())
    return 0;
  return rate.weight *
         std::exp2(-seconds(now - rate.updated) / seconds(half_life));
}

} // namespace

void record_acquire(acquire_rate& rate, time_point now, duration half_life) {
  rate.weight = decayed_weight(rate, now, half_life) + 1;
  rate.updated = std::max(rate.updated, now);
}

double current_rate(const acquire_rate& rate, time_point now,
                    duration half_life) {
  // Each acquire contributes exp(-t / tau) with tau = half_life / ln 2, so a
  // steady r acquires per second sums to r * tau: dividing by tau reads the
  // weight back as a rate.
  if (half_life <= duration::zero())
    return 0;
  auto tau = seconds(half_life) / std::log(2.0);
  return decayed_weight(rate, now, half_life) / tau;
}

} // namespace cmm
