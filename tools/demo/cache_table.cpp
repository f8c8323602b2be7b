#include "cache_table.hpp"

#include <algorithm>
#include <string>

namespace cmm::demo {

void print_cache_table(timeline& out, const std::vector<model_info>& rows) {
  if (rows.empty()) {
    out.more("(no entries)");
    return;
  }
  size_t width = 4;
  for (const auto& row : rows)
    width = std::max(width, row.name.size());
  out.more("{:<{}}  {:<9} {:>4} {:>7} {:>6} {:>6} {:>5}  {:<6} {:<5}  {}",
           "name", width, "state", "refs", "MB", "idle s", "load s", "loads",
           "device", "dtype", "last error");
  for (const auto& row : rows)
    out.more("{:<{}}  {:<9} {:>4} {:>7.1f} {:>6.2f} {:>6.2f} {:>5}  {:<6} "
             "{:<5}  {}",
             row.name, width, row.state, row.refs, row.bytes / 1e6,
             row.idle_seconds, row.load_seconds, row.load_count, row.device,
             row.dtype, row.last_error.empty() ? "-" : row.last_error);
}

} // namespace cmm::demo
