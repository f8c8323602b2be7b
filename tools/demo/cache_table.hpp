#pragma once

#include <vector>

#include "cmm/model_entry.hpp"
#include "timeline.hpp"

namespace cmm::demo {

/// Prints the entries as a table under the timeline's current line: name,
/// state, refs, MB, idle s, load s, loads, device, dtype, last error.
void print_cache_table(timeline& out, const std::vector<model_info>& rows);

} // namespace cmm::demo
