#pragma once

// How cmm-ctl shows device budgets: JSON objects and the `devices` table.
// A device without a limit has capacity and free reported as `null` in
// JSON and `unlimited` in the table.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cmm/device_budget.hpp"

namespace cmm::ctl {

/// `[{device, capacity, used, reserved, releasing, free, resident}, ...]`.
nlohmann::ordered_json devices_json(const std::vector<device_budget>& rows);

std::string device_table(const std::vector<device_budget>& rows);

} // namespace cmm::ctl
