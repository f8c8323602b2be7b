#include "cmm/idle_policy.hpp"

#include <catch2/catch.hpp>

using namespace cmm;
using namespace std::chrono_literals;

namespace {

const time_point t0 = time_point{} + 1000h;

constexpr duration tick{1};

constexpr duration timeout = 300s;

model_entry ready_entry(time_point last_access, uint64_t instance = 7) {
  model_entry entry;
  entry.state = entry_state::ready;
  entry.refs = 0;
  entry.last_access = last_access;
  entry.instance = instance;
  return entry;
}

} // namespace

TEST_CASE("an idle ready entry's deadline is last access plus the timeout",
          "[idle_policy]") {
  auto entry = ready_entry(t0);
  auto deadline = idle_deadline(entry, timeout);
  REQUIRE(deadline);
  CHECK(*deadline == t0 + timeout);
}

TEST_CASE("an entry in use has no idle deadline", "[idle_policy]") {
  auto refs = GENERATE(1u, 2u, 100u);
  auto entry = ready_entry(t0);
  entry.refs = refs;
  CAPTURE(refs);
  CHECK_FALSE(idle_deadline(entry, timeout));
  CHECK_FALSE(is_idle_expired(entry, t0 + 24h, timeout));
  auto decision = on_idle_timer(entry, entry.instance, t0 + 24h, timeout);
  CHECK(decision.action == idle_timer_decision::ignore);
  CHECK(decision.delay == duration{0});
}

TEST_CASE("an entry that is not ready has no idle deadline", "[idle_policy]") {
  auto state = GENERATE(entry_state::absent, entry_state::loading,
                        entry_state::unloading, entry_state::failed);
  auto entry = ready_entry(t0);
  entry.state = state;
  CAPTURE(to_string(state));
  CHECK_FALSE(idle_deadline(entry, timeout));
  CHECK_FALSE(is_idle_expired(entry, t0 + 24h, timeout));
  auto decision = on_idle_timer(entry, entry.instance, t0 + 24h, timeout);
  CHECK(decision.action == idle_timer_decision::ignore);
}

TEST_CASE("is_idle_expired turns true exactly at the deadline",
          "[idle_policy]") {
  auto entry = ready_entry(t0);
  CHECK_FALSE(is_idle_expired(entry, t0, timeout));
  CHECK_FALSE(is_idle_expired(entry, t0 + timeout - tick, timeout));
  CHECK(is_idle_expired(entry, t0 + timeout, timeout));
  CHECK(is_idle_expired(entry, t0 + timeout + 1h, timeout));
}

TEST_CASE("a timer armed for an older instance is ignored", "[idle_policy]") {
  auto entry = ready_entry(t0, 7);
  auto stale = GENERATE(uint64_t{0}, uint64_t{6}, uint64_t{8});
  CAPTURE(stale);
  auto decision = on_idle_timer(entry, stale, t0 + timeout, timeout);
  CHECK(decision.action == idle_timer_decision::ignore);
  CHECK(decision.delay == duration{0});
}

TEST_CASE("the idle timer unloads at or after the deadline", "[idle_policy]") {
  auto entry = ready_entry(t0);
  auto late = GENERATE(duration{0}, tick, duration{1h});
  auto decision =
      on_idle_timer(entry, entry.instance, t0 + timeout + late, timeout);
  CHECK(decision.action == idle_timer_decision::unload);
  CHECK(decision.delay == duration{0});
}

TEST_CASE("the idle timer rearms for exactly the remaining time",
          "[idle_policy]") {
  auto entry = ready_entry(t0);
  SECTION("one tick before the deadline") {
    auto decision =
        on_idle_timer(entry, entry.instance, t0 + timeout - tick, timeout);
    CHECK(decision.action == idle_timer_decision::rearm);
    CHECK(decision.delay == tick);
  }
  SECTION("after a use that happened since the timer was armed") {
    // Armed at t0 for the full timeout; used at t0 + 100 s.
    entry.last_access = t0 + 100s;
    auto decision = on_idle_timer(entry, entry.instance, t0 + timeout, timeout);
    CHECK(decision.action == idle_timer_decision::rearm);
    CHECK(decision.delay == duration{100s});
  }
  SECTION("at the moment of the last access") {
    auto decision = on_idle_timer(entry, entry.instance, t0, timeout);
    CHECK(decision.action == idle_timer_decision::rearm);
    CHECK(decision.delay == timeout);
  }
}
