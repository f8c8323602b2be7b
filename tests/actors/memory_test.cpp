#include <catch2/catch.hpp>

#include "memory_fixture.hpp"

using namespace cmm;
using cmm::test::deterministic_fixture;
using cmm::test::memory_fixture;

namespace {

constexpr caf::timespan tick{1};

manager_config with(std::function<void(manager_config&)> f) {
  auto cfg = memory_fixture::memory_config();
  f(cfg);
  return cfg;
}

} // namespace

TEST_CASE_METHOD(memory_fixture,
                 "a load that does not fit evicts the least recently used "
                 "idle model",
                 "[memory]") {
  touch("a");
  advance(std::chrono::milliseconds{1});
  touch("b");
  CHECK(budget("sim:0").used == 800);
  auto c = acquire("c");
  REQUIRE(c);
  CHECK_FALSE(is_loaded("a"));
  CHECK(is_loaded("b"));
  CHECK(is_loaded("c"));
  auto b = budget("sim:0");
  CHECK(b.used == 800);
  CHECK(b.resident == 2);
  CHECK(b.reserved == 0);
  CHECK(backend->resident_bytes_on(device{device::kind_t::sim, 0}) == 800);
}

TEST_CASE("the cost-aware policy keeps what is expensive to bring back",
          "[memory]") {
  auto config = [](eviction_policy policy) {
    return with([policy](manager_config& cfg) {
      cfg.policy = policy;
      cfg.models["slow"] = {"slow", "sim://slow?bytes=400&load_ms=30", "base",
                            "sim:0", ""};
      cfg.models["fast"] = {"fast", "sim://fast?bytes=400", "base", "sim:0",
                            ""};
    });
  };
  auto evicted = [](memory_fixture& f) {
    // The slow model is hot; the fast one was touched last.
    for (int i = 0; i < 3; ++i) {
      f.touch("slow");
      f.advance(std::chrono::milliseconds{1});
    }
    f.touch("fast");
    REQUIRE(f.acquire("c"));
    CHECK(f.is_loaded("c"));
    return f.is_loaded("slow") ? std::string{"fast"} : std::string{"slow"};
  };
  SECTION("lru evicts the least recently used") {
    memory_fixture f{config(eviction_policy::lru)};
    CHECK(evicted(f) == "slow");
  }
  SECTION("cost-aware evicts the cheapest to reload") {
    memory_fixture f{config(eviction_policy::cost_aware)};
    CHECK(evicted(f) == "fast");
  }
}

TEST_CASE("pinned models load at start and are never evicted or idled out",
          "[memory]") {
  memory_fixture f{
      with([](manager_config& cfg) { cfg.models["a"].pinned = true; })};
  CHECK(f.is_loaded("a"));
  CHECK(f.info("a").pinned);
  CHECK(f.info("a").refs == 0);
  f.touch("b");
  auto c = f.acquire("c");
  REQUIRE(c);
  CHECK(f.is_loaded("a"));
  CHECK_FALSE(f.is_loaded("b"));
  f.release(*c.value);
  f.advance(memory_fixture::idle_timeout * 3);
  CHECK(f.is_loaded("a"));
  CHECK_FALSE(f.is_loaded("c"));
  auto swept = f.ask<std::vector<std::string>>(f.sup, cleanup_atom_v);
  CHECK(swept.value->empty());
}

TEST_CASE_METHOD(memory_fixture,
                 "an acquire that does not fit waits and is answered when "
                 "room frees",
                 "[memory]") {
  auto [a, b] = fill_sim0();
  auto pending = post_waiting_acquire("c", 5000);
  CHECK(info("c").state == "waiting");
  advance(std::chrono::seconds{4});
  release(*a.value);
  auto c = collect<lease>(pending);
  REQUIRE(c);
  CHECK(is_loaded("c"));
  CHECK_FALSE(is_loaded("a"));
  CHECK(budget("sim:0").used == 800);
}

TEST_CASE_METHOD(memory_fixture,
                 "a model waiting for room sizes its file once, however often "
                 "admission runs again",
                 "[memory]") {
  auto [a, b] = fill_sim0();
  auto pending = post_waiting_acquire("c", 5000);
  CHECK(info("c").state == "waiting");
  CHECK(backend->estimates("sim://c?bytes=400") == 1);
  // A small model loads on sim:0: room is freed-up news, and c's admission
  // runs again without room for it.
  auto small =
      acquire(model_spec::by_path("sim://small?bytes=100", "base", "sim:0"));
  REQUIRE(small);
  CHECK(info("c").state == "waiting");
  release(*a.value);
  auto c = collect<lease>(pending);
  REQUIRE(c);
  CHECK(is_loaded("c"));
  CHECK(backend->estimates("sim://c?bytes=400") == 1);
}

TEST_CASE_METHOD(memory_fixture,
                 "a waiting acquire fails at its deadline and not one tick "
                 "before",
                 "[memory]") {
  auto held = fill_sim0();
  auto pending = post_waiting_acquire("c", 2000);
  advance(std::chrono::milliseconds{2000} - tick);
  CHECK(info("c").state == "waiting");
  advance(tick);
  auto c = collect<lease>(pending);
  REQUIRE_FALSE(c);
  CHECK(c.error.code == errc::insufficient_memory);
  CHECK_THAT(c.error.message, Catch::Contains("needs 400 bytes on sim:0"));
  CHECK(info("c").state == "absent");
  CHECK(backend->loads("sim://c?bytes=400") == 0);
}

TEST_CASE_METHOD(memory_fixture,
                 "a model larger than its whole budget fails at once",
                 "[memory]") {
  auto huge =
      acquire(model_spec::by_path("sim://huge?bytes=5000", "base", "sim:0"));
  REQUIRE_FALSE(huge);
  CHECK(huge.error.code == errc::insufficient_memory);
  CHECK_THAT(huge.error.message, Catch::Contains("whole budget"));
  CHECK(backend->total_loads() == 0);
  CHECK(acquire("a"));
}

TEST_CASE_METHOD(memory_fixture,
                 "auto placement packs models by best fit across four "
                 "devices",
                 "[memory]") {
  std::vector<lease> held;
  for (int i = 0; i < 12; ++i) {
    auto spec = model_spec::by_path(
        "sim://m" + std::to_string(i) + "?bytes=300", "base", "auto:sim");
    auto granted = acquire(spec);
    REQUIRE(granted);
    held.push_back(*granted.value);
  }
  for (int dev = 0; dev < 4; ++dev) {
    auto b = budget("sim:" + std::to_string(dev));
    CHECK(b.resident == 3);
    CHECK(b.used == 900);
  }
  CHECK(info("sim://m0?bytes=300").device == "sim:0");
  CHECK(info("sim://m3?bytes=300").device == "sim:1");
  CHECK(info("sim://m11?bytes=300").device == "sim:3");
}

TEST_CASE("auto placement takes a visible device that no budget names yet",
          "[memory]") {
  auto cfg = deterministic_fixture::default_config();
  cfg.budgets = {{"cpu", 100000}};
  deterministic_fixture f{cfg};
  auto spec = model_spec::by_path("sim://m?bytes=300", "base", "auto:sim");
  SECTION("without visible devices there is nowhere to place it") {
    auto refused = f.acquire(spec);
    REQUIRE_FALSE(refused);
    CHECK(refused.error.code == errc::invalid_device);
  }
  SECTION("a visible device gets its default budget and the model") {
    f.backend->set_visible_devices({device{device::kind_t::sim, 2}});
    auto granted = f.acquire(spec);
    REQUIRE(granted);
    CHECK(f.info("sim://m?bytes=300").device == "sim:2");
  }
}

TEST_CASE("an idle model on an accelerator is demoted, then unloaded, and an "
          "acquire promotes it",
          "[memory]") {
  memory_fixture f{with([](manager_config& cfg) {
    cfg.models["tts"] = {"tts", "sim://tts?bytes=600", "base", "sim:1", ""};
    cfg.models["tts"].demote = true;
  })};
  device sim1{device::kind_t::sim, 1};
  device cpu;
  f.touch("tts");
  f.advance(memory_fixture::idle_timeout);
  CHECK(f.is_loaded("tts"));
  CHECK(f.info("tts").location == "cpu");
  CHECK(f.backend->resident_bytes_on(sim1) == 0);
  CHECK(f.backend->resident_bytes_on(cpu) == 600);
  CHECK(f.budget("sim:1").used == 0);
  CHECK(f.budget("cpu").used == 600);
  SECTION("a second timeout unloads it") {
    f.advance(memory_fixture::idle_timeout);
    CHECK_FALSE(f.is_loaded("tts"));
    CHECK(f.budget("cpu").used == 0);
    CHECK(f.backend->resident() == 0);
  }
  SECTION("an acquire promotes it back") {
    auto granted = f.acquire("tts");
    REQUIRE(granted);
    CHECK(f.info("tts").location == "sim:1");
    CHECK(f.backend->resident_bytes_on(sim1) == 600);
    CHECK(f.budget("sim:1").used == 600);
    CHECK(f.budget("cpu").used == 0);
    CHECK(f.info("tts").load_count == 1);
  }
}

TEST_CASE_METHOD(memory_fixture,
                 "an out-of-memory load evicts idle models and retries once",
                 "[memory]") {
  touch("a");
  touch("b");
  auto spec = model_spec::by_path("sim://tight?bytes=100&fail=oom&fail_times=1",
                                  "base", "sim:0");
  auto granted = acquire(spec);
  REQUIRE(granted);
  CHECK_FALSE(is_loaded("a"));
  CHECK_FALSE(is_loaded("b"));
  CHECK(info("sim://tight?bytes=100&fail=oom&fail_times=1").load_count == 2);
  CHECK(budget("sim:0").used == 100);
}

TEST_CASE_METHOD(memory_fixture,
                 "estimates are reserved during a load and replaced by the "
                 "measured bytes",
                 "[memory]") {
  auto spec =
      model_spec::by_path("sim://odd?bytes=100&measured=350", "base", "sim:0");
  auto granted = acquire(spec);
  REQUIRE(granted);
  auto b = budget("sim:0");
  CHECK(b.used == 350);
  CHECK(b.reserved == 0);
  CHECK(info("sim://odd?bytes=100&measured=350").bytes == 350);
}

TEST_CASE_METHOD(memory_fixture, "preload loads a model without holding it",
                 "[memory]") {
  auto loaded = ask<model_info>(sup, preload_atom_v, model_spec::by_id("a"));
  REQUIRE(loaded);
  CHECK(loaded.value->state == "ready");
  CHECK(loaded.value->refs == 0);
  CHECK(is_loaded("a"));
  advance(idle_timeout);
  CHECK_FALSE(is_loaded("a"));
}

TEST_CASE("a warmup runs before the model is ready and info reports it",
          "[memory]") {
  memory_fixture f{with([](manager_config& cfg) {
    cfg.models["warm"] = {"warm", "sim://warm?bytes=10&infer_ms=5", "base",
                          "sim:0", ""};
    cfg.models["warm"].warmup = parse_warmup_spec("fp32:1x4*3");
  })};
  REQUIRE(f.acquire("warm"));
  CHECK(f.info("warm").warmup_seconds >= 0.015);
  CHECK(f.info("a").warmup_seconds == 0);
}

TEST_CASE("a smaller variant loads when the preferred one does not fit",
          "[memory]") {
  memory_fixture f{with([](manager_config& cfg) {
    cfg.models["a"].pinned = true;
    cfg.models["big"] = {"big", "sim://big?bytes=800", "base", "sim:0", ""};
    cfg.models["big"].fallbacks = {{"int8", "sim://big-int8?bytes=200"}};
  })};
  auto granted = f.acquire("big");
  REQUIRE(granted);
  auto stats = f.info("big");
  CHECK(stats.variant == "int8");
  CHECK(stats.bytes == 200);
  CHECK(f.backend->loads("sim://big?bytes=800") == 0);
  CHECK(f.info("a").variant == "preferred");
}

TEST_CASE_METHOD(memory_fixture, "devices reports every budget", "[memory]") {
  auto a = acquire("a");
  REQUIRE(a);
  auto b = budget("sim:0");
  CHECK(b.capacity == 1000);
  CHECK(b.used == 400);
  CHECK(b.reserved == 0);
  CHECK(b.resident == 1);
  CHECK(b.free_bytes() == 600);
  CHECK(budget("sim:3").capacity == 1000);
  CHECK(budget("sim:3").used == 0);
}
