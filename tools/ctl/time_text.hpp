#pragma once

// Time as cmm-ctl reads and prints it: durations as an operator types them
// (`500ms`, `5s`, `1.5m`, `2h`; a bare number is seconds), and wall-clock
// stamps for humans (local `HH:MM:SS.mmm`) and for JSON (UTC ISO 8601).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cmm::ctl {

using milliseconds = std::chrono::milliseconds;

/// Parses `N[.N](us|ms|s|m|h)` or a bare number of seconds; none for
/// anything else and for negative values.
std::optional<milliseconds> parse_duration(std::string_view text);

/// Renders a duration compactly, e.g. `250ms`, `5s`, `1.5s`.
std::string to_text(milliseconds x);

using wall_time = std::chrono::system_clock::time_point;

/// Local time of day with milliseconds, e.g. `14:03:07.215`.
std::string clock_text(wall_time x);

/// UTC in ISO 8601 with milliseconds, e.g. `2024-05-01T12:03:07.215Z`.
std::string iso_text(wall_time x);

/// Milliseconds as a double, for timings.
double to_ms(std::chrono::steady_clock::duration x);

} // namespace cmm::ctl
