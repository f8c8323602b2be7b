#include "cmm/placement.hpp"

namespace cmm {

namespace {

/// Whether `a` leaves less room than `b` (ties go to the smaller name).
bool tighter(const device_budget& a, const device_budget& b) {
  auto free_a = a.free_bytes();
  auto free_b = b.free_bytes();
  return free_a != free_b ? free_a < free_b : a.device < b.device;
}

/// Whether `a` has more room than `b` (ties go to the smaller name).
bool roomier(const device_budget& a, const device_budget& b) {
  auto free_a = a.free_bytes();
  auto free_b = b.free_bytes();
  return free_a != free_b ? free_a > free_b : a.device < b.device;
}

} // namespace

std::optional<std::string>
place_best_fit(const std::vector<device_budget>& candidates, uint64_t bytes) {
  const device_budget* best_fit = nullptr;
  const device_budget* most_free = nullptr;
  for (auto& x : candidates) {
    if (x.free_bytes() >= bytes && (!best_fit || tighter(x, *best_fit)))
      best_fit = &x;
    if (!most_free || roomier(x, *most_free))
      most_free = &x;
  }
  if (best_fit)
    return best_fit->device;
  if (most_free)
    return most_free->device;
  return std::nullopt;
}

} // namespace cmm
