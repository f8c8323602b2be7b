#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>

#include "../temp_directory.hpp"
#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/model_generator.hpp"
#include "cmm/model_manager.hpp"

using namespace cmm;

namespace {

/// A manager over real TorchScript files, with detached model actors.
struct real_fixture {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    register_types(cfg);
    return cfg;
  }

  real_fixture() : sys(prepare(sys_cfg)) {
    blueprint.width = 32;
    blueprint.hidden = 64;
    blueprint.vocab = 100;
    write_model(dir.file("base.pt"), blueprint);
    manager_config cfg;
    cfg.dtype = "bf16";
    cfg.models["base"] = {"base", dir.file("base.pt"), "base", "", ""};
    cfg.models["base32"] = {"base32", dir.file("base.pt"), "base", "", "fp32"};
    manager =
        std::make_unique<model_manager>(sys, cfg, make_default_backend(cfg));
    client = std::make_unique<blocking_client>(sys);
  }

  ~real_fixture() {
    client.reset();
    manager.reset();
  }

  test::temp_directory dir;
  model_blueprint blueprint;
  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  std::unique_ptr<model_manager> manager;
  std::unique_ptr<blocking_client> client;
};

} // namespace

TEST_CASE_METHOD(real_fixture,
                 "a real model loads in the requested dtype with its bytes "
                 "accounted, and gives them back on unload",
                 "[real]") {
  auto bp = blueprint;
  uint64_t floats = bp.vocab * bp.width + bp.width * bp.hidden + bp.hidden +
                    bp.hidden * bp.width + bp.width;
  uint64_t int64_buffer = 8 * bp.width;
  {
    auto held = client->acquire(model_spec::by_id("base32"));
    auto stats = client->get_model_info("base32");
    CHECK(stats->dtype == "fp32");
    CHECK(stats->bytes == 4 * floats + int64_buffer);
  }
  auto held = client->acquire(model_spec::by_id("base"));
  auto stats = client->get_model_info("base");
  CHECK(stats->dtype == "bf16");
  CHECK(stats->bytes == 2 * floats + int64_buffer);
  CHECK(stats->load_seconds > 0);
  std::vector<float> values(2 * static_cast<size_t>(bp.width), 0.25f);
  auto input = make_tensor_from_floats(dtype::f32, {2, bp.width}, values);
  auto out = client->infer(held.get(), {input});
  REQUIRE(out.size() == 1);
  CHECK(out[0].type == dtype::bf16);
  CHECK(out[0].shape == std::vector<int64_t>{2, bp.width});
  held.reset();
  CHECK(client->unload_model("base"));
  CHECK(client->get_model_info("base")->bytes == 0);
}

TEST_CASE_METHOD(real_fixture,
                 "a bad input to a real model is an error and the model "
                 "stays ready",
                 "[real]") {
  auto held = client->acquire(model_spec::by_id("base"));
  auto wrong =
      make_tensor_from_floats(dtype::f32, {1, 7}, std::vector<float>(7, 1.0f));
  try {
    client->infer(held.get(), {wrong});
    FAIL("inference on a wrongly shaped input succeeded");
  } catch (const manager_error& err) {
    CHECK(err.code() == errc::bad_input);
  }
  CHECK(client->get_model_info("base")->state == "ready");
  auto ids = make_tensor_from_floats(dtype::i64, {4}, {1, 2, 3, 4});
  auto out = client->infer(held.get(), {ids});
  REQUIRE(out.size() == 1);
  CHECK(out[0].shape == std::vector<int64_t>{4, blueprint.width});
}

TEST_CASE_METHOD(real_fixture,
                 "missing and corrupt files are clear errors and the manager "
                 "keeps serving",
                 "[real]") {
  write_random_bytes(dir.file("random.pt"), 4096);
  write_truncated_copy(dir.file("base.pt"), dir.file("truncated.pt"));
  write_non_torchscript_zip(dir.file("plain.zip"));
  struct bad_file {
    std::string name;
    errc expected;
  };
  std::vector<bad_file> cases = {
      {"missing.pt", errc::model_not_found},
      {"random.pt", errc::invalid_model_file},
      {"truncated.pt", errc::invalid_model_file},
      {"plain.zip", errc::invalid_model_file},
  };
  for (auto& c : cases) {
    INFO(c.name);
    auto path = dir.file(c.name);
    try {
      client->load_model(path, "base");
      FAIL("loading a bad file succeeded");
    } catch (const manager_error& err) {
      CHECK(err.code() == c.expected);
      CHECK_THAT(std::string{err.what()}, Catch::Contains(path));
    }
    CHECK(client->get_model_info(path)->state == "failed");
  }
  auto held = client->acquire(model_spec::by_id("base"));
  CHECK(held);
  CHECK(client->is_model_loaded("base"));
}
