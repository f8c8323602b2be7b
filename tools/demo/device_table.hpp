#pragma once

#include <vector>

#include "cmm/device_budget.hpp"
#include "timeline.hpp"

namespace cmm::demo {

/// Prints the memory budgets under the timeline's current line: device,
/// budget, used, reserved, free (MB) and resident models.
void print_device_table(timeline& out, const std::vector<device_budget>& rows);

} // namespace cmm::demo
