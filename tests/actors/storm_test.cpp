#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "deterministic_fixture.hpp"

using namespace cmm;
using cmm::test::deterministic_fixture;

namespace {

const std::vector<std::string> storm_models = {"m0", "m1", "m2", "m3"};

std::string storm_path(const std::string& id) {
  return "sim://" + id + "?bytes=" + std::to_string(100 + id.back() - '0');
}

manager_config storm_config() {
  auto cfg = deterministic_fixture::default_config();
  for (auto& id : storm_models)
    cfg.models[id] = {id, storm_path(id), "base", "", ""};
  return cfg;
}

struct held_lease {
  lease granted;
  bool revoked = false;
};

struct storm_fixture : deterministic_fixture {
  storm_fixture() : deterministic_fixture(storm_config()) {
    // nop
  }

  std::vector<held_lease> held;

  void check_invariants() {
    uint32_t ready = 0;
    uint64_t bytes = 0;
    for (auto& id : storm_models) {
      auto stats = info(id);
      uint32_t mine = 0;
      for (auto& h : held)
        if (h.granted.name == id && !h.revoked)
          ++mine;
      INFO("model " << id << " state " << stats.state);
      REQUIRE(stats.refs == mine);
      REQUIRE((stats.state == "ready" || stats.state == "absent"));
      REQUIRE(stats.load_count == backend->loads(storm_path(id)));
      if (stats.state == "ready") {
        ++ready;
        bytes += stats.bytes;
      } else {
        REQUIRE(stats.bytes == 0);
      }
    }
    REQUIRE(backend->resident() == ready);
    REQUIRE(backend->resident_bytes() == bytes);
  }
};

} // namespace

TEST_CASE_METHOD(storm_fixture,
                 "a random storm of acquire, release, unload and cleanup "
                 "keeps every invariant",
                 "[storm]") {
  std::mt19937 rng{20261126};
  auto pick = [&](size_t n) {
    return std::uniform_int_distribution<size_t>{0, n - 1}(rng);
  };
  for (int step = 0; step < 2000; ++step) {
    switch (pick(7)) {
    case 0:
    case 1: {
      auto granted = acquire(storm_models[pick(storm_models.size())]);
      REQUIRE(granted);
      held.push_back({*granted.value, false});
      break;
    }
    case 2:
    case 3: {
      if (held.empty())
        break;
      auto i = pick(held.size());
      REQUIRE(release(held[i].granted));
      held.erase(held.begin() + static_cast<ptrdiff_t>(i));
      break;
    }
    case 4: {
      auto& id = storm_models[pick(storm_models.size())];
      bool force = pick(2) == 0;
      auto done = ask<bool>(sup, unload_atom_v, id, force);
      REQUIRE(done);
      if (*done.value)
        for (auto& h : held)
          if (h.granted.name == id)
            h.revoked = true;
      break;
    }
    case 5: {
      auto swept = ask<std::vector<std::string>>(sup, cleanup_atom_v);
      REQUIRE(swept);
      for (auto& id : *swept.value)
        for (auto& h : held)
          REQUIRE((h.granted.name != id || h.revoked));
      break;
    }
    case 6:
      advance(std::chrono::milliseconds{pick(6000)});
      break;
    }
    check_invariants();
  }
  for (auto& h : held)
    REQUIRE(release(h.granted));
  held.clear();
  check_invariants();
  ask<uint32_t>(sup, unload_all_atom_v, true);
  CHECK(backend->resident() == 0);
}
