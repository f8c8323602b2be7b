// The dtype policy with real TorchScript files: the default (auto) never
// breaks a working model, a cast that breaks one is replaced by the file as
// saved, errors name the casts, and a loaded model's bytes match what its
// load costs the process.

#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>

#include "../temp_directory.hpp"
#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/device_budget.hpp"
#include "cmm/manager_error.hpp"
#include "cmm/model_generator.hpp"
#include "cmm/model_manager.hpp"

using namespace cmm;

namespace {

/// A manager over real files in a temporary folder, with `dtype` as the
/// default precision.
struct policy_fixture {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    register_types(cfg);
    return cfg;
  }

  explicit policy_fixture(const std::string& dtype) : sys(prepare(sys_cfg)) {
    write_conv_transpose_model(dir.file("vocoder.pt"));
    write_embedding_model(dir.file("embedding.pt"));
    manager_config cfg;
    cfg.dtype = dtype;
    cfg.models["vocoder"] = {"vocoder", dir.file("vocoder.pt"), "base", "", ""};
    cfg.models["embedding"] = {"embedding", dir.file("embedding.pt"), "base",
                               "", ""};
    manager =
        std::make_unique<model_manager>(sys, cfg, make_default_backend(cfg));
    client = std::make_unique<blocking_client>(sys);
  }

  ~policy_fixture() {
    client.reset();
    manager.reset();
  }

  std::vector<tensor> infer(const std::string& id, const tensor& input) {
    auto held = client->acquire(model_spec::by_id(id));
    return client->infer(held.get(), {input});
  }

  uint64_t cpu_used() {
    for (auto& b : client->devices())
      if (b.device == "cpu")
        return b.used;
    return 0;
  }

  test::temp_directory dir;
  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  std::unique_ptr<model_manager> manager;
  std::unique_ptr<blocking_client> client;
};

tensor mel() {
  return make_tensor_from_floats(dtype::f32, {1, 64, 10},
                                 std::vector<float>(640, 0.5f));
}

} // namespace

TEST_CASE("the default dtype serves a model whose bf16 cast breaks it",
          "[real][dtype]") {
  policy_fixture f{"auto"};
  auto out = f.infer("vocoder", mel());
  REQUIRE(out.size() == 1);
  CHECK(out[0].type == dtype::f32);
  CHECK(out[0].shape[1] == 1);
  auto info = f.client->get_model_info("vocoder");
  CHECK(info->dtype == "as saved (fp32)");
  CHECK(info->cast_note.empty());
}

TEST_CASE("a bf16 cast that breaks a model at its first inference is "
          "replaced by the file as saved, and the budget follows",
          "[real][dtype]") {
  policy_fixture f{"bf16"};
  auto held = f.client->acquire(model_spec::by_id("vocoder"));
  auto cast = f.client->get_model_info("vocoder");
  CHECK(cast->dtype == "bf16");
  CHECK(f.cpu_used() == cast->bytes);
  auto out = f.client->infer(held.get(), {mel()});
  REQUIRE(out.size() == 1);
  auto saved = f.client->get_model_info("vocoder");
  CHECK(saved->dtype == "as saved (fp32)");
  CHECK_THAT(saved->cast_note,
             Catch::Contains("the bf16 cast failed its first inference"));
  CHECK(saved->bytes == 2 * cast->bytes);
  CHECK(f.cpu_used() == saved->bytes);
}

TEST_CASE("an error after a cast says the model and the input were cast",
          "[real][dtype]") {
  policy_fixture f{"bf16"};
  try {
    f.infer("embedding",
            make_tensor_from_floats(dtype::f32, {1, 3}, {1.0f, 2.0f, 3.0f}));
    FAIL("floats looked up as ids");
  } catch (const manager_error& err) {
    CHECK(err.code() == errc::bad_input);
    CHECK_THAT(err.reason().message,
               Catch::Contains("the model was cast to bf16 (saved as fp32)"));
    CHECK_THAT(err.reason().message,
               Catch::Contains("input 0 was cast from fp32 to bf16"));
  }
  // Ids, which no cast touches, work.
  auto ids = make_tensor_from_floats(dtype::i64, {2}, {1.0f, 2.0f});
  auto out = f.infer("embedding", ids);
  REQUIRE(out.size() == 1);
  CHECK(out[0].shape == std::vector<int64_t>{2, 16});
}
