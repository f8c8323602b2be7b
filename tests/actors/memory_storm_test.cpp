#include <catch2/catch.hpp>

#include <random>

#include "memory_fixture.hpp"

using namespace cmm;
using cmm::test::memory_fixture;

namespace {

const std::vector<std::pair<std::string, uint64_t>> storm_models = {
    {"s0", 150}, {"s1", 250}, {"s2", 300},
    {"s3", 350}, {"s4", 400}, {"s5", 500},
};

manager_config storm_config() {
  auto cfg = memory_fixture::memory_config();
  for (auto& [id, bytes] : storm_models)
    cfg.models[id] = {id, "sim://" + id + "?bytes=" + std::to_string(bytes),
                      "base", "sim:0", ""};
  cfg.models["s0"].pinned = true;
  return cfg;
}

struct memory_storm_fixture : memory_fixture {
  memory_storm_fixture() : memory_fixture(storm_config()) {
    // nop
  }

  std::vector<lease> held;

  void check_budget() {
    auto b = budget("sim:0");
    REQUIRE(b.used <= b.capacity);
    REQUIRE(b.used + b.reserved <= b.capacity);
    REQUIRE(b.reserved == 0);
    REQUIRE(b.releasing == 0);
    uint64_t ready_bytes = 0;
    uint32_t ready = 0;
    for (auto& [id, bytes] : storm_models) {
      auto stats = info(id);
      if (stats.state == "ready") {
        ready_bytes += stats.bytes;
        ++ready;
      }
    }
    REQUIRE(b.used == ready_bytes);
    REQUIRE(b.resident == ready);
    REQUIRE(backend->resident_bytes_on(device{device::kind_t::sim, 0}) ==
            b.used);
  }
};

} // namespace

TEST_CASE_METHOD(memory_storm_fixture,
                 "a random storm of acquires never exceeds the budget",
                 "[memory][storm]") {
  std::mt19937 rng{4242};
  auto pick = [&](size_t n) {
    return std::uniform_int_distribution<size_t>{0, n - 1}(rng);
  };
  int granted = 0;
  int refused = 0;
  for (int step = 0; step < 1500; ++step) {
    switch (pick(6)) {
    case 0:
    case 1:
    case 2: {
      auto spec = model_spec::by_id(storm_models[pick(6)].first);
      spec.wait_ms = 1;
      auto pending =
          post(sup, acquire_atom_v, spec, caf::actor{}, acquire_timeout);
      run();
      // Answers the acquire if it is still waiting for room.
      advance(std::chrono::milliseconds{1});
      auto answer = collect<lease>(pending);
      if (answer) {
        held.push_back(*answer.value);
        ++granted;
      } else {
        REQUIRE(answer.error.code == errc::insufficient_memory);
        ++refused;
      }
      break;
    }
    case 3:
    case 4: {
      if (held.empty())
        break;
      auto i = pick(held.size());
      REQUIRE(release(held[i]));
      held.erase(held.begin() + static_cast<ptrdiff_t>(i));
      break;
    }
    case 5:
      advance(std::chrono::milliseconds{pick(4000)});
      break;
    }
    check_budget();
  }
  CHECK(granted > 100);
  CHECK(refused > 10);
  CHECK(is_loaded("s0"));
}
