#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cmm/catalog.hpp"
#include "cmm/device_budget.hpp"
#include "cmm/eviction_policy.hpp"

namespace cmm {

/// One file an entry may load, with the bytes the backend estimates it needs.
struct sized_variant {
  model_variant variant;
  uint64_t bytes = 0;
};

/// What admission decided for a model that wants to load on one device.
struct admission {
  enum action_t {
    /// `variant` fits in the free bytes: load it now.
    load,
    /// Unloading `victims` makes room for `variant`: unload them and load
    /// once their bytes are back.
    evict_then_load,
    /// No room for any variant yet, but unloads in flight or releases to
    /// come may make some: wait. `variant` is the one the wait is for.
    wait,
    /// No variant fits even the whole device; `variant` is the first one
    /// too large for it.
    never_fits,
  };
  action_t action = never_fits;
  /// Index into the variants the decision was made from.
  size_t variant = 0;
  /// For `evict_then_load`: the models to unload, in eviction order.
  std::vector<std::string> victims;
};

/// Decides whether a model fits `budget`, trying `variants` in order of
/// preference (at least one). The first variant that fits the free bytes is
/// loaded. One that needs no more than unloads in flight are already
/// freeing waits for them; one for which evicting `candidates` (the device's
/// idle models, chosen by `policy`) frees enough evicts them first. If no
/// variant can have room now, the model waits for the first variant that
/// fits the device's capacity, and never fits if none does. Pure: the same
/// inputs give the same decision.
admission decide_admission(const device_budget& budget,
                           const std::vector<sized_variant>& variants,
                           const std::vector<eviction_candidate>& candidates,
                           eviction_policy policy);

} // namespace cmm
