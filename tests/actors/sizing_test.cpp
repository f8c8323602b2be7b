// Sizing a model's files happens on a thread of its own: a file that takes
// long to read (a stalled mount) holds up its own acquires, never the
// supervisor, and gives up after cmm.size-timeout.

#include <catch2/catch.hpp>

#include <chrono>
#include <future>

#include "cmm/blocking_client.hpp"
#include "cmm/manager_error.hpp"
#include "threaded_fixture.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

manager_config sizing_config() {
  manager_config cfg;
  cfg.dtype = "fp32";
  cfg.size_timeout = 1s;
  cfg.models["stalled"] = {"stalled", "sim://stalled?bytes=100&size_ms=2500",
                           "base", "", ""};
  cfg.models["quick"] = {"quick", "sim://quick?bytes=100", "base", "", ""};
  return cfg;
}

struct sizing_fixture : test::threaded_fixture {
  sizing_fixture() : threaded_fixture(sizing_config()) {
    // nop
  }
};

} // namespace

TEST_CASE_METHOD(sizing_fixture,
                 "a file slow to size holds up only its own acquires, which "
                 "fail with timeout after cmm.size-timeout",
                 "[sizing]") {
  auto stalled = std::async(std::launch::async, [this] {
    blocking_client client{sys, manager->supervisor(), 10s};
    try {
      client.acquire(model_spec::by_id("stalled"));
      return failure{errc::load_failed, "granted"};
    } catch (const manager_error& err) {
      return err.reason();
    }
  });
  blocking_client client{sys, manager->supervisor(), 10s};
  // Wait (bounded) until the supervisor has started sizing.
  for (int i = 0; i < 200; ++i) {
    if (client.get_model_info("stalled")->state == "sizing")
      break;
    std::this_thread::sleep_for(5ms);
  }
  REQUIRE(client.get_model_info("stalled")->state == "sizing");
  {
    auto held = client.acquire(model_spec::by_id("quick"));
    CHECK(client.get_model_info("quick")->refs == 1);
  }
  // Served while the slow file was still being read.
  CHECK(client.get_model_info("stalled")->state == "sizing");
  auto why = stalled.get();
  CHECK(why.code == errc::timeout);
  CHECK(why.message.find("cmm.size-timeout") != std::string::npos);
  CHECK(client.get_model_info("stalled")->state == "absent");
  CHECK(backend->loads("sim://stalled?bytes=100&size_ms=2500") == 0);
  CHECK(client.get_model_info("quick")->refs == 0);
}
