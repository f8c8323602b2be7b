#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cmm/clock.hpp"
#include "cmm/model_entry.hpp"

namespace cmm {

/// What the supervisor does when an entry's idle timer fires.
struct idle_timer_decision {
  enum action_t {
    /// The entry is in use, gone, or the timer belongs to an older instance.
    ignore,
    /// Idle for the whole timeout: unload it.
    unload,
    /// Used since the timer was armed: arm again for the remaining time.
    rearm,
  };
  action_t action = ignore;
  duration delay{0};
};

/// The moment a ready, unreferenced entry becomes eligible for an idle
/// unload; none while it is in use or not ready.
std::optional<time_point> idle_deadline(const model_entry& entry,
                                        duration timeout);

bool is_idle_expired(const model_entry& entry, time_point now,
                     duration timeout);

idle_timer_decision on_idle_timer(const model_entry& entry, uint64_t instance,
                                  time_point now, duration timeout);

} // namespace cmm
