#pragma once

// How cmm-ctl shows device budgets: JSON objects and the `devices` table.
// A device without a limit has capacity and free reported as `null` in
// JSON and `unlimited` in the table.

#include <string>
#include <vector>

#include "cmm/device_budget.hpp"
#include "cmm/json_writer.hpp"

namespace cmm::ctl {

/// Writes `{"devices":[{device, capacity, used, reserved, releasing, free,
/// resident}, ...]}`.
void write_devices(json_writer& out, const std::vector<device_budget>& rows);

std::string device_table(const std::vector<device_budget>& rows);

} // namespace cmm::ctl
