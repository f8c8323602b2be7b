#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <caf/actor_system.hpp>

#include "../temp_directory.hpp"
#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/model_generator.hpp"
#include "cmm/model_manager.hpp"

using namespace cmm;

namespace {

/// This process's resident memory in bytes (VmRSS).
uint64_t resident_bytes() {
  std::ifstream in{"/proc/self/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stoull(line.substr(6)) * 1024;
  return 0;
}

caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
  register_types(cfg);
  return cfg;
}

} // namespace

TEST_CASE("a budget forces a real eviction and resident memory drops",
          "[memory][real]") {
  test::temp_directory dir;
  write_model(dir.file("big1.pt"), blueprint_of_size("base", 60));
  write_model(dir.file("big2.pt"), blueprint_of_size("custom_voice", 60));
  write_model(dir.file("small.pt"), blueprint_of_size("voice_design", 15));
  manager_config cfg;
  cfg.dtype = "fp32";
  cfg.budgets["cpu"] = 130'000'000;
  cfg.models["big1"] = {"big1", dir.file("big1.pt"), "base"};
  cfg.models["big2"] = {"big2", dir.file("big2.pt"), "custom_voice"};
  cfg.models["small"] = {"small", dir.file("small.pt"), "voice_design"};
  caf::actor_system_config sys_cfg;
  caf::actor_system sys{prepare(sys_cfg)};
  model_manager manager{sys, cfg, make_default_backend(cfg)};
  blocking_client client{sys};
  client.acquire(model_spec::by_id("big1")).reset();
  client.acquire(model_spec::by_id("big2")).reset();
  auto before = resident_bytes();
  // 120 MB resident of 130 MB: the 15 MB model needs big1 gone.
  auto small = client.acquire(model_spec::by_id("small"));
  auto after = resident_bytes();
  CHECK_FALSE(client.is_model_loaded("big1"));
  CHECK(client.is_model_loaded("big2"));
  CHECK(client.is_model_loaded("small"));
  INFO("resident before " << before << " after " << after);
  CHECK(after + 30'000'000 < before);
}

TEST_CASE("a real int8 variant loads when the fp32 file does not fit",
          "[memory][real]") {
  REQUIRE(can_write_quantized_models());
  test::temp_directory dir;
  auto bp = blueprint_of_size("base", 20);
  write_model(dir.file("base.pt"), bp);
  write_quantized_model(dir.file("base-int8.pt"), bp);
  manager_config cfg;
  cfg.dtype = "fp32";
  cfg.budgets["cpu"] = 12'000'000;
  cfg.models["base"] = {"base", dir.file("base.pt"), "base"};
  cfg.models["base"].fallbacks = {{"int8", dir.file("base-int8.pt")}};
  caf::actor_system_config sys_cfg;
  caf::actor_system sys{prepare(sys_cfg)};
  model_manager manager{sys, cfg, make_default_backend(cfg)};
  blocking_client client{sys};
  auto held = client.acquire(model_spec::by_id("base"));
  auto stats = client.get_model_info("base");
  CHECK(stats->variant == "int8");
  CHECK_THAT(stats->dtype, Catch::StartsWith("as saved"));
  CHECK(stats->bytes < 12'000'000);
  std::vector<float> ones(static_cast<size_t>(bp.width), 1.0f);
  auto out = client.infer(
      held.get(), {make_tensor_from_floats(dtype::f32, {1, bp.width}, ones)});
  REQUIRE(out.size() == 1);
  CHECK(out[0].shape == std::vector<int64_t>{1, bp.width});
}
