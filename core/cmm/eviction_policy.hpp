#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmm/clock.hpp"

namespace cmm {

/// Which idle model leaves first when a device runs out of room.
enum class eviction_policy {
  /// Least recently used first.
  lru,
  /// Cheapest to bring back per byte freed first: lowest
  /// `load_seconds * acquire_rate / bytes`.
  cost_aware,
};

const char* to_string(eviction_policy x);

std::optional<eviction_policy> parse_eviction_policy(std::string_view str);

/// An idle model that may be evicted (ready, zero refs, not pinned).
struct eviction_candidate {
  std::string name;
  uint64_t bytes = 0;
  time_point last_access;
  double load_seconds = 0;
  /// Recent acquires per second (see `acquire_rate`).
  double acquire_rate = 0;
};

/// The victims chosen to free room, in eviction order.
struct eviction_plan {
  std::vector<std::string> victims;
  uint64_t freed_bytes = 0;
  /// Whether the victims free at least the bytes asked for.
  bool sufficient = false;
};

/// Orders candidates by policy (ties broken by name, so plans are
/// deterministic) and takes them until `needed` bytes are freed. An
/// insufficient plan still lists every candidate, in order.
eviction_plan plan_eviction(eviction_policy policy,
                            std::vector<eviction_candidate> candidates,
                            uint64_t needed);

} // namespace cmm
