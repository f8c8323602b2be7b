#include "cmm/device_budget.hpp"

#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

using namespace cmm;

namespace {

constexpr uint64_t max_bytes = std::numeric_limits<uint64_t>::max();

struct free_case {
  const char* what;
  uint64_t capacity;
  uint64_t used;
  uint64_t reserved;
  uint64_t expected;
};

} // namespace

TEST_CASE("free_bytes is capacity less used and reserved, never below zero",
          "[device_budget]") {
  auto c = GENERATE(values<free_case>({
      {"empty", 1000, 0, 0, 1000},
      {"normal", 1000, 300, 200, 500},
      {"only used", 1000, 999, 0, 1},
      {"only reserved", 1000, 0, 999, 1},
      {"exactly full", 1000, 600, 400, 0},
      {"used alone fills it", 1000, 1000, 0, 0},
      {"reserved alone fills it", 1000, 0, 1000, 0},
      {"over-committed", 1000, 700, 400, 0},
      {"used over capacity", 1000, 1500, 0, 0},
      {"reserved over capacity", 1000, 0, 1500, 0},
      {"no capacity", 0, 0, 0, 0},
      {"no capacity, used", 0, 10, 10, 0},
      // used + reserved would overflow uint64_t if added first.
      {"huge used and reserved", max_bytes, max_bytes, max_bytes, 0},
      {"huge reserved", max_bytes - 1, 1, max_bytes, 0},
      {"huge capacity", max_bytes, 1, 2, max_bytes - 3},
  }));
  CAPTURE(c.what);
  device_budget budget;
  budget.device = "sim:0";
  budget.capacity = c.capacity;
  budget.used = c.used;
  budget.reserved = c.reserved;
  CHECK(budget.free_bytes() == c.expected);
}

TEST_CASE("physical_memory_bytes reports this machine's memory",
          "[device_budget]") {
  auto bytes = physical_memory_bytes();
  // Every machine that runs these tests has more than 64 MiB.
  CHECK(bytes > (uint64_t{64} << 20));
  CHECK(bytes == physical_memory_bytes());
}
