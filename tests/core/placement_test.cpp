#include "cmm/placement.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace cmm;

namespace {

/// A device with `free` bytes left of 1000 (used takes up the rest).
device_budget dev(const char* name, uint64_t free) {
  device_budget budget;
  budget.device = name;
  budget.capacity = 1000;
  budget.used = 1000 - free;
  return budget;
}

struct placement_case {
  const char* what;
  std::vector<device_budget> candidates;
  uint64_t bytes;
  const char* expected;
};

} // namespace

TEST_CASE("place_best_fit picks the tightest device that holds the model",
          "[placement]") {
  auto c = GENERATE(values<placement_case>({
      {"single device that fits", {dev("sim:0", 500)}, 100, "sim:0"},
      {"tightest of several",
       {dev("sim:0", 900), dev("sim:1", 300), dev("sim:2", 600)},
       250,
       "sim:1"},
      {"skips the tighter one that does not fit",
       {dev("sim:0", 900), dev("sim:1", 200), dev("sim:2", 600)},
       250,
       "sim:2"},
      {"exact fit wins over a roomier one",
       {dev("sim:0", 400), dev("sim:1", 250), dev("sim:2", 1000)},
       250,
       "sim:1"},
      {"exact fit of the whole device", {dev("sim:0", 1000)}, 1000, "sim:0"},
      {"zero bytes go to the fullest device",
       {dev("sim:0", 10), dev("sim:1", 0), dev("sim:2", 500)},
       0,
       "sim:1"},
      {"ties go to the smaller name",
       {dev("sim:2", 300), dev("sim:1", 300), dev("sim:3", 300)},
       100,
       "sim:1"},
      {"ties among the tightest only",
       {dev("sim:0", 900), dev("sim:5", 300), dev("sim:4", 300)},
       100,
       "sim:4"},
  }));
  CAPTURE(c.what);
  auto placed = place_best_fit(c.candidates, c.bytes);
  REQUIRE(placed);
  CHECK(*placed == c.expected);
}

TEST_CASE("place_best_fit falls back to the device with the most free bytes",
          "[placement]") {
  auto c = GENERATE(values<placement_case>({
      {"one device too small", {dev("sim:0", 100)}, 200, "sim:0"},
      {"most free of several",
       {dev("sim:0", 100), dev("sim:1", 400), dev("sim:2", 300)},
       500,
       "sim:1"},
      {"one byte short", {dev("sim:0", 999), dev("sim:1", 10)}, 1000, "sim:0"},
      {"bigger than any device",
       {dev("sim:0", 1000), dev("sim:1", 1000)},
       5000,
       "sim:0"},
      {"ties go to the smaller name",
       {dev("sim:3", 400), dev("sim:2", 400), dev("sim:1", 100)},
       500,
       "sim:2"},
      {"every device full", {dev("sim:1", 0), dev("sim:0", 0)}, 1, "sim:0"},
  }));
  CAPTURE(c.what);
  auto placed = place_best_fit(c.candidates, c.bytes);
  REQUIRE(placed);
  CHECK(*placed == c.expected);
}

TEST_CASE("place_best_fit counts reserved bytes as taken", "[placement]") {
  device_budget loading;
  loading.device = "sim:0";
  loading.capacity = 1000;
  loading.reserved = 800;
  device_budget idle;
  idle.device = "sim:1";
  idle.capacity = 1000;
  idle.used = 500;
  auto placed = place_best_fit({loading, idle}, 300);
  REQUIRE(placed);
  CHECK(*placed == "sim:1");
  // Over-committed devices have zero free bytes, not a wrapped huge number.
  device_budget over;
  over.device = "sim:2";
  over.capacity = 1000;
  over.used = 900;
  over.reserved = 900;
  placed = place_best_fit({over, idle}, 600);
  REQUIRE(placed);
  CHECK(*placed == "sim:1");
}

TEST_CASE("place_best_fit has nothing to pick among no devices",
          "[placement]") {
  CHECK_FALSE(place_best_fit({}, 0));
  CHECK_FALSE(place_best_fit({}, 100));
}
