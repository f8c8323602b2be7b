#include <catch2/catch.hpp>

#include "deterministic_fixture.hpp"

using namespace cmm;
using cmm::test::deterministic_fixture;

namespace {

constexpr caf::timespan tick{1};

} // namespace

TEST_CASE_METHOD(deterministic_fixture,
                 "an idle model unloads at the timeout and not one tick before",
                 "[idle]") {
  auto granted = acquire("alpha");
  REQUIRE(granted);
  release(*granted.value);
  advance(idle_timeout - tick);
  CHECK(is_loaded("alpha"));
  advance(tick);
  CHECK_FALSE(is_loaded("alpha"));
  CHECK(info("alpha").state == "absent");
  CHECK(backend->resident() == 0);
}

TEST_CASE_METHOD(deterministic_fixture, "a model in use never idles out",
                 "[idle]") {
  auto granted = acquire("alpha");
  REQUIRE(granted);
  advance(idle_timeout * 3);
  CHECK(is_loaded("alpha"));
  release(*granted.value);
  advance(idle_timeout);
  CHECK_FALSE(is_loaded("alpha"));
}

TEST_CASE_METHOD(deterministic_fixture, "activity resets the idle timer",
                 "[idle]") {
  auto first = acquire("alpha");
  REQUIRE(first);
  release(*first.value);
  advance(idle_timeout / 2);
  auto second = acquire("alpha");
  REQUIRE(second);
  release(*second.value);
  // The first timer fires here and finds the model used since: it re-arms.
  advance(idle_timeout / 2);
  CHECK(is_loaded("alpha"));
  advance(idle_timeout / 2 - tick);
  CHECK(is_loaded("alpha"));
  advance(tick);
  CHECK_FALSE(is_loaded("alpha"));
  CHECK(backend->total_loads() == 1);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "an acquire after an idle unload loads the model anew",
                 "[idle]") {
  auto first = acquire("alpha");
  REQUIRE(first);
  release(*first.value);
  advance(idle_timeout);
  REQUIRE_FALSE(is_loaded("alpha"));
  auto second = acquire("alpha");
  REQUIRE(second);
  CHECK(info("alpha").load_count == 2);
  CHECK(second.value->model != first.value->model);
  // The old instance's timer is gone; the new one idles out on its own.
  release(*second.value);
  advance(idle_timeout);
  CHECK_FALSE(is_loaded("alpha"));
}

TEST_CASE_METHOD(deterministic_fixture,
                 "cleanup_idle unloads exactly the models idle past the "
                 "timeout",
                 "[idle]") {
  auto a = acquire("alpha");
  auto b = acquire("beta");
  auto c = acquire(model_spec::by_path("sim://gamma", "base"));
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  release(*a.value);
  release(*b.value);
  auto none = ask<std::vector<std::string>>(sup, cleanup_atom_v);
  REQUIRE(none);
  CHECK(none.value->empty());
  // Move the clock without delivering the idle timers, as if a sweep came
  // first.
  sched.clock().current_time += idle_timeout;
  auto swept = ask<std::vector<std::string>>(sup, cleanup_atom_v);
  REQUIRE(swept);
  CHECK(*swept.value == std::vector<std::string>{"alpha", "beta"});
  CHECK_FALSE(is_loaded("alpha"));
  CHECK_FALSE(is_loaded("beta"));
  CHECK(is_loaded("sim://gamma"));
  // The timers that fire now belong to unloaded instances and do nothing.
  sched.trigger_timeouts();
  run();
  CHECK(is_loaded("sim://gamma"));
  CHECK(backend->resident() == 1);
}
