#pragma once

#include <optional>

#include "cmm/failure.hpp"

namespace cmm {

/// The life of one model entry:
/// `absent -> sizing -> loading -> ready -> unloading -> absent`, and
/// `loading -> failed -> sizing` (a retry) or `failed -> absent` (a reset).
/// `sizing`: its files are being sized, off the supervisor's thread; it ends
/// in `loading`, in `waiting` (for room on a full device), or in `absent`
/// (nobody waits any more, the model never fits, or sizing took too long).
/// `waiting -> loading`, or `waiting -> absent` when its deadline passes; an
/// out-of-memory load waits once more for evictions (`loading -> waiting`);
/// a forced unload cancels a load (`loading -> absent`).
enum class entry_state {
  absent,
  sizing,
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
