#include "cmm/acquire_rate.hpp"

#include <chrono>

#include <catch2/catch.hpp>

using namespace cmm;
using namespace std::chrono_literals;

namespace {

const time_point t0 = time_point{} + 1000h;

constexpr duration half_life = 10s;

/// tau = half_life / ln 2: a weight of 1 reads as 1 / tau acquires per second.
const double tau = 10.0 / 0.69314718055994530942;

} // namespace

TEST_CASE("a fresh rate is zero", "[acquire_rate]") {
  acquire_rate rate;
  CHECK(rate.weight == 0);
  CHECK(current_rate(rate, t0, half_life) == 0);
}

TEST_CASE("the first acquire gives weight 1", "[acquire_rate]") {
  auto now = GENERATE(t0, time_point{}, time_point{} + 1ns);
  acquire_rate rate;
  record_acquire(rate, now, half_life);
  CHECK(rate.weight == 1);
  CHECK(rate.updated == now);
  CHECK(current_rate(rate, now, half_life) == Approx(1 / tau));
}

TEST_CASE("acquires at the same instant add up", "[acquire_rate]") {
  acquire_rate rate;
  for (int i = 0; i < 5; ++i)
    record_acquire(rate, t0, half_life);
  CHECK(rate.weight == 5);
  CHECK(rate.updated == t0);
}

TEST_CASE("the rate halves every half-life of silence", "[acquire_rate]") {
  acquire_rate rate;
  for (int i = 0; i < 8; ++i)
    record_acquire(rate, t0, half_life);
  auto at_t0 = current_rate(rate, t0, half_life);
  CHECK(at_t0 == Approx(8 / tau));
  CHECK(current_rate(rate, t0 + half_life, half_life) == Approx(at_t0 / 2));
  CHECK(current_rate(rate, t0 + 2 * half_life, half_life) == Approx(at_t0 / 4));
  CHECK(current_rate(rate, t0 + half_life / 2, half_life) ==
        Approx(at_t0 / 1.4142135623730951));
  // Reading does not change the record.
  CHECK(rate.weight == 8);
  CHECK(rate.updated == t0);
}

TEST_CASE("an acquire after silence adds to the decayed weight",
          "[acquire_rate]") {
  acquire_rate rate;
  record_acquire(rate, t0, half_life);
  record_acquire(rate, t0, half_life);
  record_acquire(rate, t0 + half_life, half_life);
  CHECK(rate.weight == Approx(2.0));
  CHECK(rate.updated == t0 + half_life);
  record_acquire(rate, t0 + 3 * half_life, half_life);
  CHECK(rate.weight == Approx(1.5));
  CHECK(rate.updated == t0 + 3 * half_life);
}

TEST_CASE("a steady stream of acquires reads as its rate", "[acquire_rate]") {
  // One acquire every 0.1 s for ten half-lives: 10 acquires per second.
  acquire_rate rate;
  auto now = t0;
  for (int i = 0; i < 1000; ++i) {
    now += 100ms;
    record_acquire(rate, now, half_life);
  }
  CHECK(current_rate(rate, now, half_life) == Approx(10.0).epsilon(0.02));
  // Halfway between two acquires the reading is as close.
  CHECK(current_rate(rate, now + 50ms, half_life) ==
        Approx(10.0).epsilon(0.02));
  // One half-life of silence halves it.
  auto before = current_rate(rate, now, half_life);
  CHECK(current_rate(rate, now + half_life, half_life) == Approx(before / 2));
}

TEST_CASE("a faster stream reads as a higher rate", "[acquire_rate]") {
  auto per_second = GENERATE(1, 4, 20, 50);
  CAPTURE(per_second);
  acquire_rate rate;
  auto step = duration{1s} / per_second;
  auto now = t0;
  for (int i = 0; i < per_second * 100; ++i) {
    now += step;
    record_acquire(rate, now, half_life);
  }
  auto expected = static_cast<double>(per_second);
  // Just after an acquire the reading runs high by about 1 / (2 tau).
  CHECK(current_rate(rate, now, half_life) ==
        Approx(expected).margin(0.6 / tau + expected * 0.002));
}
