#include "cmm/idle_policy.hpp"

namespace cmm {

std::optional<time_point> idle_deadline(const model_entry& entry,
                                        duration timeout) {
  if (entry.state != entry_state::ready || entry.refs > 0)
    return std::nullopt;
  return entry.last_access + timeout;
}

bool is_idle_expired(const model_entry& entry, time_point now,
                     duration timeout) {
  auto deadline = idle_deadline(entry, timeout);
  return deadline && now >= *deadline;
}

idle_timer_decision on_idle_timer(const model_entry& entry, uint64_t instance,
                                  time_point now, duration timeout) {
  idle_timer_decision decision;
  if (instance != entry.instance)
    return decision;
  auto deadline = idle_deadline(entry, timeout);
  if (!deadline)
    return decision;
  if (now >= *deadline) {
    decision.action = idle_timer_decision::unload;
  } else {
    decision.action = idle_timer_decision::rearm;
    decision.delay = *deadline - now;
  }
  return decision;
}

} // namespace cmm
