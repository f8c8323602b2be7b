// What the budget counts for a loaded model against what loading it costs
// the process: its resident-set growth, loaded alone, for the kinds of
// models users serve (fp32 as saved, fp32 cast to bf16, int8 packed).

#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>

#include "../temp_directory.hpp"
#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/device_budget.hpp"
#include "cmm/model_generator.hpp"
#include "cmm/model_manager.hpp"

using namespace cmm;

namespace {

struct accounting_fixture {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    register_types(cfg);
    return cfg;
  }

  accounting_fixture() : sys(prepare(sys_cfg)) {
    // About 40 MB of fp32 parameters each; the int8 model's are mostly in
    // linear layers, whose packed weights are custom-class state.
    auto big = blueprint_of_size("big", 40);
    write_model(dir.file("big.pt"), big);
    model_blueprint wide;
    wide.variant = "wide";
    wide.width = 1024;
    wide.hidden = 4096;
    wide.vocab = 16;
    write_model(dir.file("small.pt"), blueprint_of_size("small", 0.5));
    manager_config cfg;
    cfg.models["fp32"] = {"fp32", dir.file("big.pt"), "base", "", "saved"};
    cfg.models["bf16"] = {"bf16", dir.file("big.pt"), "base", "", "bf16"};
    cfg.models["small"] = {"small", dir.file("small.pt"), "base", "", ""};
    if (can_write_quantized_models()) {
      write_quantized_model(dir.file("int8.pt"), wide);
      cfg.models["int8"] = {"int8", dir.file("int8.pt"), "base", "", ""};
    }
    manager =
        std::make_unique<model_manager>(sys, cfg, make_default_backend(cfg));
    client = std::make_unique<blocking_client>(sys);
    // libtorch sets itself up on its first load: not any model's cost.
    client->preload(model_spec::by_id("small"));
    client->unload_model("small");
  }

  ~accounting_fixture() {
    client.reset();
    manager.reset();
  }

  /// Loads `id` alone; answers the bytes the budget counts for it and the
  /// process's growth.
  std::pair<uint64_t, uint64_t> load_alone(const std::string& id) {
    auto before = resident_set_bytes();
    auto info = client->preload(model_spec::by_id(id));
    auto after = resident_set_bytes();
    REQUIRE(before);
    REQUIRE(after);
    uint64_t used = 0;
    for (auto& b : client->devices())
      if (b.device == "cpu")
        used = b.used;
    CHECK(used == info.bytes);
    client->unload_model(id);
    return {info.bytes, *after > *before ? *after - *before : 0};
  }

  test::temp_directory dir;
  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  std::unique_ptr<model_manager> manager;
  std::unique_ptr<blocking_client> client;
};

} // namespace

TEST_CASE_METHOD(accounting_fixture,
                 "the budget counts within 20 % of what loading a model "
                 "grows the process by",
                 "[real][accounting]") {
  std::vector<std::string> kinds{"fp32", "bf16"};
  if (can_write_quantized_models())
    kinds.push_back("int8");
  for (auto& id : kinds) {
    auto [counted, grown] = load_alone(id);
    CAPTURE(id, counted, grown);
    CHECK(counted > 0);
    CHECK(static_cast<double>(counted) >= 0.8 * static_cast<double>(grown));
    CHECK(static_cast<double>(counted) <= 1.2 * static_cast<double>(grown));
  }
}
