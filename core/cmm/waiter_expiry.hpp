#pragma once

#include <optional>

#include "cmm/clock.hpp"

namespace cmm {

/// Why a waiting request stops waiting. An acquire waits at most until its
/// caller's deadline: after it, the caller no longer takes the answer, so
/// nothing may be granted to it. While its entry waits for room on a full
/// device, a request also waits at most until its patience for room runs
/// out. The caller's deadline comes first when both have passed.
enum class waiter_expiry {
  /// Neither deadline has passed: keep waiting.
  none,
  /// The caller stopped waiting for the answer.
  caller_deadline,
  /// No room came in time.
  no_room,
};

/// Decides whether a request with `caller_deadline`, and `room_deadline`
/// while its entry waits for room, stops waiting at `now`.
waiter_expiry expire_waiter(time_point now, time_point caller_deadline,
                            std::optional<time_point> room_deadline);

/// Whether a grant at `now` can still reach a caller that waits until
/// `caller_deadline`.
inline bool may_grant(time_point now, time_point caller_deadline) {
  return now < caller_deadline;
}

} // namespace cmm
