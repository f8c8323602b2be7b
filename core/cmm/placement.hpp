#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cmm/device_budget.hpp"

namespace cmm {

/// Picks a device among `candidates` (all of one class, e.g. every `sim:N`)
/// for a model of `bytes`: best fit, i.e. the device with the least free
/// bytes that still holds it, ties broken by device name. If none holds it,
/// the device with the most free bytes, where evictions will have to make
/// room. None when `candidates` is empty.
std::optional<std::string>
place_best_fit(const std::vector<device_budget>& candidates, uint64_t bytes);

} // namespace cmm
