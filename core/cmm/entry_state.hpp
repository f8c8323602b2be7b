#pragma once

#include <optional>

#include "cmm/failure.hpp"

namespace cmm {

/// The life of one model entry:
/// `absent -> loading -> ready -> unloading -> absent`, and
/// `loading -> failed -> loading` (a retry) or `failed -> absent` (a reset).
/// A load that does not fit its device first goes to `waiting` (for room):
/// `absent|failed -> waiting -> loading`, or `waiting -> absent` when its
/// deadline passes; an out-of-memory load waits once more for evictions
/// (`loading -> waiting`).
enum class entry_state {
  absent,
  waiting,
  loading,
  ready,
  unloading,
  failed,
};

const char* to_string(entry_state x);

/// Whether the state machine allows moving from `from` to `to`.
[[nodiscard]] bool is_legal_transition(entry_state from, entry_state to);

/// Returns an `illegal_transition` failure naming both states when the
/// transition is illegal.
[[nodiscard]] std::optional<failure> check_transition(entry_state from,
                                                      entry_state to);

} // namespace cmm
