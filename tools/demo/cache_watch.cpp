#include "cache_watch.hpp"

#include <algorithm>

#include "cache_table.hpp"
#include "cmm/entry_state.hpp"

namespace cmm::demo {

cache_watch::cache_watch(timeline& out, blocking_client& client)
    : out_(out), client_(client) {
  // nop
}

void cache_watch::poll() {
  auto rows = client_.get_cached_models();
  bool shared = false;
  for (const auto& row : rows) {
    if (row.state == to_string(entry_state::loading) &&
        seen_loading_.insert(row.name).second)
      out_.say("{} is loading (lazily, on its first acquire)", row.name);
    if (row.state == to_string(entry_state::ready) &&
        seen_ready_.insert(row.name).second)
      out_.say("loaded {} in {:.3f} s ({:.1f} MB, {}); {} lease(s) held now",
               row.name, row.load_seconds, row.bytes / 1e6, row.dtype,
               row.refs);
    auto& peak = peak_refs_[row.name];
    peak = std::max(peak, row.refs);
    shared = shared || row.refs > 1;
  }
  if (shared && !shared_table_printed_) {
    out_.say("cache while clients hold leases:");
    print_cache_table(out_, rows);
    shared_table_printed_ = true;
  }
}

uint32_t cache_watch::peak_refs(const std::string& name) const {
  auto i = peak_refs_.find(name);
  return i != peak_refs_.end() ? i->second : 0;
}

} // namespace cmm::demo
