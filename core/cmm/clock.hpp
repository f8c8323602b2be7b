#pragma once

#include <chrono>

namespace cmm {

/// The manager's notion of time. Matches CAF's `actor_clock`, so the
/// supervisor can hand CAF's (possibly simulated) `now()` to core policies.
using clock_type = std::chrono::steady_clock;
using time_point = clock_type::time_point;
using duration = clock_type::duration;

} // namespace cmm
