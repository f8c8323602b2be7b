#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "cmm/blocking_client.hpp"
#include "timeline.hpp"

namespace cmm::demo {

/// Watches the cache while clients run, by polling the supervisor's list:
/// prints when a model starts loading and when it is loaded (with its load
/// time and size), prints the cache table once at a moment when some model
/// is shared by several leases, and keeps each model's peak ref count.
class cache_watch {
public:
  cache_watch(timeline& out, blocking_client& client);

  void poll();

  /// The highest ref count seen on `name`.
  uint32_t peak_refs(const std::string& name) const;

private:
  timeline& out_;
  blocking_client& client_;
  std::set<std::string> seen_loading_;
  std::set<std::string> seen_ready_;
  std::map<std::string, uint32_t> peak_refs_;
  bool shared_table_printed_ = false;
};

} // namespace cmm::demo
