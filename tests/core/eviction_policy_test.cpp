#include "cmm/eviction_policy.hpp"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace cmm;
using namespace std::chrono_literals;

namespace {

using names = std::vector<std::string>;

const time_point t0 = time_point{} + 1000h;

/// A candidate last used `age` before t0.
eviction_candidate candidate(std::string name, uint64_t bytes, duration age,
                             double load_seconds = 1, double acquire_rate = 1) {
  eviction_candidate x;
  x.name = std::move(name);
  x.bytes = bytes;
  x.last_access = t0 - age;
  x.load_seconds = load_seconds;
  x.acquire_rate = acquire_rate;
  return x;
}

struct plan_case {
  const char* what;
  std::vector<eviction_candidate> candidates;
  uint64_t needed;
  names victims;
  uint64_t freed_bytes;
  bool sufficient;
};

void check_plan(eviction_policy policy, const plan_case& c) {
  CAPTURE(c.what, to_string(policy), c.needed);
  auto plan = plan_eviction(policy, c.candidates, c.needed);
  CHECK(plan.victims == c.victims);
  CHECK(plan.freed_bytes == c.freed_bytes);
  CHECK(plan.sufficient == c.sufficient);
}

} // namespace

TEST_CASE("eviction policies round-trip through their names",
          "[eviction_policy]") {
  auto policy = GENERATE(eviction_policy::lru, eviction_policy::cost_aware);
  auto parsed = parse_eviction_policy(to_string(policy));
  REQUIRE(parsed);
  CHECK(*parsed == policy);
}

TEST_CASE("eviction policy names", "[eviction_policy]") {
  CHECK(std::string{to_string(eviction_policy::lru)} == "lru");
  CHECK(std::string{to_string(eviction_policy::cost_aware)} == "cost-aware");
  CHECK(parse_eviction_policy("lru") == eviction_policy::lru);
  CHECK(parse_eviction_policy("cost-aware") == eviction_policy::cost_aware);
  CHECK(parse_eviction_policy("cost_aware") == eviction_policy::cost_aware);
}

TEST_CASE("unknown eviction policy names are rejected", "[eviction_policy]") {
  auto text = GENERATE(as<std::string>{}, "", "LRU", "Lru", "lfu", "cost",
                       "costaware", "cost aware", "Cost-Aware", " lru", "lru ",
                       "cost-aware\n", "random");
  CAPTURE(text);
  CHECK_FALSE(parse_eviction_policy(text));
}

TEST_CASE("lru evicts the least recently used first, just enough",
          "[eviction_policy]") {
  auto c = GENERATE(values<plan_case>({
      {"oldest first",
       {candidate("b", 100, 10s), candidate("a", 100, 30s),
        candidate("c", 100, 20s)},
       100,
       {"a"},
       100,
       true},
      {"takes just enough",
       {candidate("b", 100, 10s), candidate("a", 100, 30s),
        candidate("c", 100, 20s)},
       150,
       {"a", "c"},
       200,
       true},
      {"exactly enough stops there",
       {candidate("b", 100, 10s), candidate("a", 100, 30s),
        candidate("c", 100, 20s)},
       200,
       {"a", "c"},
       200,
       true},
      {"everything, just enough",
       {candidate("b", 100, 10s), candidate("a", 100, 30s),
        candidate("c", 100, 20s)},
       300,
       {"a", "c", "b"},
       300,
       true},
      {"one byte needed",
       {candidate("x", 5, 1s), candidate("y", 7, 2s)},
       1,
       {"y"},
       7,
       true},
      {"size does not matter, only age",
       {candidate("huge", 1000, 1s), candidate("tiny", 1, 2s)},
       500,
       {"tiny", "huge"},
       1001,
       true},
      {"nothing needed",
       {candidate("b", 100, 10s), candidate("a", 100, 30s)},
       0,
       {},
       0,
       true},
      {"nothing needed, nothing to evict", {}, 0, {}, 0, true},
      {"insufficient lists every candidate in order",
       {candidate("b", 100, 10s), candidate("a", 100, 30s),
        candidate("c", 100, 20s)},
       301,
       {"a", "c", "b"},
       300,
       false},
      {"no candidates", {}, 1, {}, 0, false},
      {"ties by name",
       {candidate("m", 100, 10s), candidate("k", 100, 10s),
        candidate("z", 100, 10s), candidate("a", 100, 5s)},
       200,
       {"k", "m"},
       200,
       true},
      {"zero-byte candidates count but free nothing",
       {candidate("empty", 0, 50s), candidate("full", 100, 40s)},
       50,
       {"empty", "full"},
       100,
       true},
  }));
  check_plan(eviction_policy::lru, c);
}

TEST_CASE("cost-aware evicts the cheapest to bring back per byte first",
          "[eviction_policy]") {
  auto c = GENERATE(values<plan_case>({
      // score = load_seconds * acquire_rate / bytes
      {"cheapest first",
       {candidate("a", 100, 1s, 2, 1),  // 0.02
        candidate("b", 100, 1s, 1, 1),  // 0.01
        candidate("c", 100, 1s, 3, 1)}, // 0.03
       150,
       {"b", "a"},
       200,
       true},
      {"zero-rate models go first",
       {candidate("hot", 1000, 100s, 1, 0.1), // 1e-4
        candidate("cold", 10, 1s, 100, 0),    // 0
        candidate("never", 10, 1s, 0, 5)},    // 0
       15,
       {"cold", "never"},
       20,
       true},
      {"zero bytes do not divide by zero",
       {candidate("nothing", 0, 1s, 1, 1), // 1 / max(0, 1) = 1
        candidate("some", 100, 1s, 1, 1)}, // 0.01
       100,
       {"some"},
       100,
       true},
      {"zero bytes with zero cost",
       {candidate("nothing", 0, 1s, 0, 1), // 0
        candidate("some", 100, 1s, 1, 1)}, // 0.01
       100,
       {"nothing", "some"},
       100,
       true},
      {"ties by name",
       {candidate("d", 200, 1s, 2, 1),  // 0.01
        candidate("c", 100, 1s, 1, 1),  // 0.01
        candidate("b", 100, 9s, 1, 1),  // 0.01
        candidate("a", 100, 1s, 5, 1)}, // 0.05
       250,
       {"b", "c", "d"},
       400,
       true},
      {"nothing needed", {candidate("a", 100, 1s)}, 0, {}, 0, true},
      {"insufficient lists every candidate in order",
       {candidate("a", 100, 1s, 2, 1), candidate("b", 100, 1s, 1, 1)},
       1000,
       {"b", "a"},
       200,
       false},
  }));
  check_plan(eviction_policy::cost_aware, c);
}

TEST_CASE("lru and cost-aware choose different victims", "[eviction_policy]") {
  // A 4 GB model idle for a minute that loads in a second and is used once
  // an hour, against a 100 MB model used a second ago that takes 30 s to
  // load and is acquired five times a second.
  std::vector<eviction_candidate> candidates{
      candidate("big-cold-cheap", 4'000'000'000, 60s, 1, 1.0 / 3600),
      candidate("small-hot-dear", 100'000'000, 120s, 30, 5),
      candidate("mid", 1'000'000'000, 10s, 10, 1),
  };
  SECTION("just over 100 MB") {
    auto lru = plan_eviction(eviction_policy::lru, candidates, 100'000'001);
    CHECK(lru.victims == names{"small-hot-dear", "big-cold-cheap"});
    CHECK(lru.freed_bytes == 4'100'000'000);
    CHECK(lru.sufficient);
    auto cost =
        plan_eviction(eviction_policy::cost_aware, candidates, 100'000'001);
    CHECK(cost.victims == names{"big-cold-cheap"});
    CHECK(cost.freed_bytes == 4'000'000'000);
    CHECK(cost.sufficient);
  }
  SECTION("more than the big one") {
    auto lru = plan_eviction(eviction_policy::lru, candidates, 4'500'000'000);
    CHECK(lru.victims == names{"small-hot-dear", "big-cold-cheap", "mid"});
    CHECK(lru.freed_bytes == 5'100'000'000);
    CHECK(lru.sufficient);
    auto cost =
        plan_eviction(eviction_policy::cost_aware, candidates, 4'500'000'000);
    // mid: 10 / 1e9 = 1e-8 < small-hot-dear: 150 / 1e8 = 1.5e-6
    CHECK(cost.victims == names{"big-cold-cheap", "mid"});
    CHECK(cost.freed_bytes == 5'000'000'000);
    CHECK(cost.sufficient);
  }
}

namespace {

/// The cost-aware score, spelled the way the header defines it.
double reference_score(const eviction_candidate& x) {
  return x.load_seconds * x.acquire_rate /
         static_cast<double>(std::max<uint64_t>(x.bytes, 1));
}

/// Whether `a` goes before `b` under `policy`.
bool reference_before(eviction_policy policy, const eviction_candidate& a,
                      const eviction_candidate& b) {
  if (policy == eviction_policy::lru) {
    if (a.last_access != b.last_access)
      return a.last_access < b.last_access;
  } else {
    auto sa = reference_score(a);
    auto sb = reference_score(b);
    if (sa != sb)
      return sa < sb;
  }
  return a.name < b.name;
}

/// Selection by repeated minimum: quadratic, but obviously right.
eviction_plan reference_plan(eviction_policy policy,
                             std::vector<eviction_candidate> xs,
                             uint64_t needed) {
  eviction_plan plan;
  plan.sufficient = needed == 0;
  while (!plan.sufficient && !xs.empty()) {
    size_t best = 0;
    for (size_t i = 1; i < xs.size(); ++i)
      if (reference_before(policy, xs[i], xs[best]))
        best = i;
    plan.victims.push_back(xs[best].name);
    plan.freed_bytes += xs[best].bytes;
    plan.sufficient = plan.freed_bytes >= needed;
    xs.erase(xs.begin() + static_cast<std::ptrdiff_t>(best));
  }
  return plan;
}

std::vector<eviction_candidate> random_candidates(std::mt19937& rng, size_t n) {
  // Few distinct values, so ties in age and score are common.
  std::uniform_int_distribution<int> age_s(0, 50);
  std::uniform_int_distribution<uint64_t> bytes(0, 8);
  std::uniform_int_distribution<int> load(0, 4);
  std::uniform_int_distribution<int> rate(0, 4);
  std::vector<eviction_candidate> xs;
  xs.reserve(n);
  for (size_t i = 0; i < n; ++i)
    xs.push_back(candidate("m" + std::to_string(i), bytes(rng) * 100,
                           std::chrono::seconds{age_s(rng)}, load(rng),
                           rate(rng) * 0.5));
  std::shuffle(xs.begin(), xs.end(), rng);
  return xs;
}

} // namespace

TEST_CASE("plan_eviction matches a brute-force reference on 1000 candidates",
          "[eviction_policy]") {
  auto seed = GENERATE(1u, 2u, 3u, 42u, 1234u, 98765u);
  auto policy = GENERATE(eviction_policy::lru, eviction_policy::cost_aware);
  CAPTURE(seed, to_string(policy));
  std::mt19937 rng{seed};
  auto xs = random_candidates(rng, 1000);
  uint64_t total = 0;
  for (auto& x : xs)
    total += x.bytes;
  // Nothing, a little, most, exactly all, and more than all.
  for (uint64_t needed : {uint64_t{0}, uint64_t{1}, uint64_t{250}, total / 3,
                          total / 2, total - 1, total, total + 1}) {
    CAPTURE(needed);
    auto expected = reference_plan(policy, xs, needed);
    auto plan = plan_eviction(policy, xs, needed);
    CHECK(plan.victims == expected.victims);
    CHECK(plan.freed_bytes == expected.freed_bytes);
    CHECK(plan.sufficient == expected.sufficient);
  }
}
