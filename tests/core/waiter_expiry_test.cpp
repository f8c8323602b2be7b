#include "cmm/waiter_expiry.hpp"

#include <catch2/catch.hpp>

using namespace cmm;
using namespace std::chrono_literals;

namespace {

struct expiry_case {
  const char* what;
  duration now;
  duration caller;
  std::optional<duration> room;
  waiter_expiry expected;
  /// Whether a grant at `now` still reaches the caller.
  bool grantable;
};

} // namespace

TEST_CASE("a waiter stops at its caller's deadline, or at its patience for "
          "room",
          "[waiter_expiry]") {
  auto c = GENERATE(values<expiry_case>({
      {"before both", 1s, 5s, 3s, waiter_expiry::none, true},
      {"before the caller's, not waiting for room", 4s, 5s, std::nullopt,
       waiter_expiry::none, true},
      {"at the caller's deadline", 5s, 5s, std::nullopt,
       waiter_expiry::caller_deadline, false},
      {"past the caller's deadline", 6s, 5s, 9s, waiter_expiry::caller_deadline,
       false},
      {"at the patience for room", 3s, 5s, 3s, waiter_expiry::no_room, true},
      {"past both: the caller's first", 9s, 5s, 3s,
       waiter_expiry::caller_deadline, false},
  }));
  CAPTURE(c.what);
  time_point zero{};
  std::optional<time_point> room;
  if (c.room)
    room = zero + *c.room;
  CHECK(expire_waiter(zero + c.now, zero + c.caller, room) == c.expected);
  CHECK(may_grant(zero + c.now, zero + c.caller) == c.grantable);
}
