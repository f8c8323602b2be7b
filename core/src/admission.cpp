#include "cmm/admission.hpp"

#include <optional>

namespace cmm {

admission decide_admission(const device_budget& budget,
                           const std::vector<sized_variant>& variants,
                           const std::vector<eviction_candidate>& candidates,
                           eviction_policy policy) {
  std::optional<size_t> too_large;
  std::optional<size_t> short_of_room;
  auto free = budget.free_bytes();
  for (size_t i = 0; i < variants.size(); ++i) {
    auto bytes = variants[i].bytes;
    if (bytes > budget.capacity) {
      if (!too_large)
        too_large = i;
      continue;
    }
    if (bytes <= free)
      return {admission::load, i, {}};
    // Unloads in flight already count toward the room this load needs.
    auto missing = bytes - free;
    if (missing <= budget.releasing)
      return {admission::wait, i, {}};
    auto plan = plan_eviction(policy, candidates, missing - budget.releasing);
    if (plan.sufficient)
      return {admission::evict_then_load, i, std::move(plan.victims)};
    if (!short_of_room)
      short_of_room = i;
  }
  if (short_of_room)
    return {admission::wait, *short_of_room, {}};
  return {admission::never_fits, too_large.value_or(0), {}};
}

} // namespace cmm
