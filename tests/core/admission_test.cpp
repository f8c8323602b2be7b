#include "cmm/admission.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace cmm;
using namespace std::chrono_literals;

namespace {

using names = std::vector<std::string>;

const time_point t0 = time_point{} + 1000h;

/// A device of 1000 bytes with the given counts.
device_budget budget(uint64_t used, uint64_t reserved = 0,
                     uint64_t releasing = 0) {
  device_budget b;
  b.device = "sim:0";
  b.capacity = 1000;
  b.used = used;
  b.reserved = reserved;
  b.releasing = releasing;
  return b;
}

/// The preferred file and its fallbacks, by estimated size.
std::vector<sized_variant> sizes(std::vector<uint64_t> bytes) {
  std::vector<sized_variant> result;
  for (size_t i = 0; i < bytes.size(); ++i)
    result.push_back(
        {{i == 0 ? "" : "v" + std::to_string(i), "m.pt"}, bytes[i]});
  return result;
}

/// An idle model last used `age` ago that costs `load_seconds` to reload.
eviction_candidate idle(std::string name, uint64_t bytes, duration age,
                        double load_seconds = 1) {
  return {std::move(name), bytes, t0 - age, load_seconds, 1};
}

struct admission_case {
  const char* what;
  device_budget budget;
  std::vector<sized_variant> variants;
  std::vector<eviction_candidate> candidates;
  admission::action_t action;
  size_t variant;
  names victims;
};

} // namespace

TEST_CASE("admission loads, evicts, waits or gives up", "[admission]") {
  auto c = GENERATE(values<admission_case>({
      {"fits the empty device",
       budget(0),
       sizes({400}),
       {},
       admission::load,
       0,
       {}},
      {"fits exactly",
       budget(300, 300),
       sizes({400}),
       {},
       admission::load,
       0,
       {}},
      {"fills the whole device",
       budget(0),
       sizes({1000}),
       {},
       admission::load,
       0,
       {}},
      {"the preferred file waits for an unload in flight",
       budget(800, 0, 300),
       sizes({400, 100}),
       {},
       admission::wait,
       0,
       {}},
      {"an unload in flight frees too little",
       budget(800, 0, 100),
       sizes({400}),
       {},
       admission::wait,
       0,
       {}},
      {"evicts the least recently used",
       budget(800),
       sizes({600}),
       {idle("old", 300, 5min), idle("older", 300, 10min)},
       admission::evict_then_load,
       0,
       {"older", "old"}},
      {"evicts only what the load lacks",
       budget(800),
       sizes({400}),
       {idle("old", 300, 5min), idle("older", 300, 10min),
        idle("oldest", 100, 20min)},
       admission::evict_then_load,
       0,
       {"oldest", "older"}},
      {"counts unloads in flight before evicting",
       budget(800, 0, 100),
       sizes({500}),
       {idle("old", 300, 5min), idle("oldest", 100, 20min)},
       admission::evict_then_load,
       0,
       {"oldest", "old"}},
      {"reserved bytes are not evictable",
       budget(0, 900),
       sizes({400}),
       {},
       admission::wait,
       0,
       {}},
      {"eviction frees too little: a fallback that fits loads",
       budget(800),
       sizes({400, 150}),
       {idle("old", 100, 5min)},
       admission::load,
       1,
       {}},
      {"eviction frees too little: a fallback evicts",
       budget(800),
       sizes({600, 250}),
       {idle("old", 100, 5min)},
       admission::evict_then_load,
       1,
       {"old"}},
      {"too large: the fallback loads",
       budget(0),
       sizes({1500, 700}),
       {},
       admission::load,
       1,
       {}},
      {"too large: the fallback waits",
       budget(500),
       sizes({1500, 700}),
       {},
       admission::wait,
       1,
       {}},
      {"no room for any variant: waits for the preferred",
       budget(900),
       sizes({400, 300}),
       {},
       admission::wait,
       0,
       {}},
      {"every variant is too large",
       budget(0),
       sizes({1500, 1001}),
       {},
       admission::never_fits,
       0,
       {}},
      {"too large even with the device evicted",
       budget(1000),
       sizes({1001}),
       {idle("old", 1000, 5min)},
       admission::never_fits,
       0,
       {}},
  }));
  CAPTURE(c.what);
  auto d = decide_admission(c.budget, c.variants, c.candidates,
                            eviction_policy::lru);
  CHECK(d.action == c.action);
  CHECK(d.variant == c.variant);
  CHECK(d.victims == c.victims);
}

TEST_CASE("admission evicts in the order of the configured policy",
          "[admission]") {
  // "recent" was used last but reloads in no time; "slow" is older but
  // expensive to bring back.
  std::vector<eviction_candidate> candidates{idle("recent", 500, 1min, 0.01),
                                             idle("slow", 500, 10min, 60)};
  auto lru = decide_admission(budget(1000), sizes({400}), candidates,
                              eviction_policy::lru);
  CHECK(lru.action == admission::evict_then_load);
  CHECK(lru.victims == names{"slow"});
  auto cost = decide_admission(budget(1000), sizes({400}), candidates,
                               eviction_policy::cost_aware);
  CHECK(cost.action == admission::evict_then_load);
  CHECK(cost.victims == names{"recent"});
}

TEST_CASE("candidates used equally long ago are evicted in name order",
          "[admission]") {
  // 800 used, 50 releasing: a 400-byte load misses 200 beyond the release,
  // which one 200-byte model covers; equal ages leave the name to decide.
  std::vector<eviction_candidate> candidates{idle("b", 200, 1min),
                                             idle("a", 200, 1min)};
  auto decision = decide_admission(budget(800, 0, 50), sizes({400}), candidates,
                                   eviction_policy::lru);
  CHECK(decision.action == admission::evict_then_load);
  CHECK(decision.victims == names{"a"});
}
