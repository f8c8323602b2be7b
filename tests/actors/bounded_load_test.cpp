// Loads are bounded: one past its load timeout fails every waiter with
// load_timeout and backs off, a forced unload cancels one under way, and
// either way the stuck model actor is abandoned, its bytes counted as
// releasing until it ends. Real threads: the simulated loads sleep.

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <thread>

#include "cmm/blocking_client.hpp"
#include "cmm/manager_error.hpp"
#include "threaded_fixture.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

constexpr auto stuck_path = "sim://stuck?bytes=400&load_ms=3000";
constexpr auto slow_path = "sim://slow?bytes=300&load_ms=3000";

manager_config bounded_config() {
  manager_config cfg;
  cfg.dtype = "fp32";
  cfg.budgets["cpu"] = 10000;
  cfg.models["stuck"] = {"stuck", stuck_path, "base", "", ""};
  cfg.models["stuck"].load_timeout = 200ms;
  cfg.models["slow"] = {"slow", slow_path, "base", "", ""};
  cfg.models["quick"] = {"quick", "sim://quick?bytes=100", "base", "", ""};
  return cfg;
}

struct bounded_fixture : test::threaded_fixture {
  bounded_fixture() : threaded_fixture(bounded_config()) {
    // nop
  }

  /// Acquires `id` on a thread of its own; answers the error it got.
  std::future<failure> acquire_elsewhere(const std::string& id) {
    return std::async(std::launch::async, [this, id] {
      blocking_client client{sys, manager->supervisor(), 10s};
      try {
        client.acquire(model_spec::by_id(id));
        return failure{errc::none, "granted"};
      } catch (const manager_error& err) {
        return err.reason();
      }
    });
  }

  device_budget cpu() {
    for (auto& b : client.devices())
      if (b.device == "cpu")
        return b;
    FAIL("no cpu budget");
    return {};
  }

  /// Waits (bounded) until nothing is releasing on the cpu.
  void wait_released() {
    for (int i = 0; i < 1000 && cpu().releasing > 0; ++i)
      std::this_thread::sleep_for(10ms);
  }

  blocking_client client{sys, manager->supervisor(), 10s};
};

} // namespace

TEST_CASE_METHOD(bounded_fixture,
                 "a load past its timeout fails every waiter with "
                 "load_timeout and backs off; its bytes count as releasing "
                 "until the stuck load ends",
                 "[load_timeout]") {
  auto first = acquire_elsewhere("stuck");
  auto second = acquire_elsewhere("stuck");
  for (auto* waiter : {&first, &second}) {
    auto why = waiter->get();
    CHECK(why.code == errc::load_timeout);
    CHECK_THAT(why.message, Catch::Contains("load-timeout"));
  }
  // The sleeping load still holds what it reserved.
  auto held = cpu();
  CHECK(held.used == 400);
  CHECK(held.releasing == 400);
  auto info = client.get_model_info("stuck");
  CHECK(info->state == "failed");
  CHECK_THAT(info->last_error, Catch::Contains("load_timeout"));
  // Backs off like a transient failure: refused at once for now.
  CHECK(acquire_elsewhere("stuck").get().code == errc::load_timeout);
  {
    auto other = client.acquire(model_spec::by_id("quick"));
    CHECK(client.get_model_info("quick")->refs == 1);
  }
  wait_released();
  auto after = cpu();
  CHECK(after.releasing == 0);
  CHECK(after.used == 100);
  CHECK(after.resident == 1);
  CHECK(backend->resident() == 1);
}

TEST_CASE_METHOD(bounded_fixture,
                 "a forced unload cancels a load under way: its waiters get "
                 "model_unloaded and the entry is absent at once",
                 "[load_timeout]") {
  auto waiter = acquire_elsewhere("slow");
  for (int i = 0; i < 500; ++i) {
    if (client.get_model_info("slow")->state == "loading")
      break;
    std::this_thread::sleep_for(5ms);
  }
  REQUIRE(client.get_model_info("slow")->state == "loading");
  CHECK_FALSE(client.unload_model("slow"));
  CHECK(client.unload_model("slow", true));
  CHECK(waiter.get().code == errc::model_unloaded);
  CHECK(client.get_model_info("slow")->state == "absent");
  CHECK(cpu().releasing == 300);
  wait_released();
  CHECK(cpu().used == 0);
  CHECK(backend->resident() == 0);
}
