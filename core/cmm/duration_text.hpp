#pragma once

// Durations as people type them in configs, catalogs and on command lines:
// `500ms`, `5s`, `1.5m`, `2h`; a bare number is seconds.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cmm {

/// Parses `N[.N](us|ms|s|m|min|h)` or a bare number of seconds; none for
/// anything else, for negative values and for more than a century.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// Renders a duration compactly, e.g. `250ms`, `5s`, `1.5s`.
std::string to_text(std::chrono::milliseconds x);

} // namespace cmm
