#pragma once

// Time as cmm-ctl reads and prints it: durations as an operator types them
// (see cmm/duration_text.hpp), and wall-clock stamps for humans (local
// `HH:MM:SS.mmm`) and for JSON (UTC ISO 8601).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "cmm/duration_text.hpp"

namespace cmm::ctl {

using milliseconds = std::chrono::milliseconds;

using cmm::parse_duration;
using cmm::to_text;

using wall_time = std::chrono::system_clock::time_point;

/// Local time of day with milliseconds, e.g. `14:03:07.215`.
std::string clock_text(wall_time x);

/// UTC in ISO 8601 with milliseconds, e.g. `2024-05-01T12:03:07.215Z`.
std::string iso_text(wall_time x);

/// Milliseconds as a double, for timings.
double to_ms(std::chrono::steady_clock::duration x);

} // namespace cmm::ctl
