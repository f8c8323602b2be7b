#include <catch2/catch.hpp>

#include "cmm/manager_error.hpp"
#include "cuda_support.hpp"
#include "device_filler.hpp"

using namespace cmm;
using namespace cmm::test;

namespace {

constexpr uint64_t mb = 1000000;

/// Two 640 MB fp32 models, `big` and `idle`, under a budget far above the
/// device's memory: admission lets every load through, so only the device
/// itself can say no.
struct oom_fixture {
  static manager_config unbounded_config(const temp_directory& dir) {
    manager_config cfg;
    cfg.dtype = "fp32";
    cfg.budgets["cuda:0"] = cuda0().total_bytes * 4;
    cfg.models["big"] = {"big", dir.file("big.pt"), "base", "cuda:0", ""};
    cfg.models["idle"] = {"idle", dir.file("idle.pt"), "base", "cuda:0", ""};
    return cfg;
  }

  static const temp_directory& with_models(const temp_directory& dir) {
    write_model(dir.file("big.pt"), blueprint_of_size("big", 640));
    write_model(dir.file("idle.pt"), blueprint_of_size("idle", 640));
    return dir;
  }

  oom_fixture() : mgr(unbounded_config(with_models(dir))) {
    // nop
  }

  temp_directory dir;
  cuda_manager mgr;
  blocking_client& client = mgr.client();
};

/// Fills the device until only `left` bytes are free.
std::unique_ptr<device_filler> leave_free(uint64_t left) {
  auto free = cuda0().free_bytes;
  REQUIRE(free > left);
  return std::make_unique<device_filler>(free - left);
}

} // namespace

TEST_CASE("a model larger than the device's free memory fails with "
          "out_of_memory and loads once the memory is back",
          "[cuda]") {
  CMM_REQUIRE_CUDA();
  oom_fixture f;
  auto& client = f.client;
  auto filler = leave_free(300 * mb);
  try {
    client.acquire(model_spec::by_id("big"));
    FAIL("the acquire succeeded with 300 MB free for a 640 MB model");
  } catch (const manager_error& err) {
    INFO(err.what());
    CHECK(err.code() == errc::out_of_memory);
  }
  auto info = client.get_model_info("big");
  REQUIRE(info);
  CHECK(info->state == "failed");
  CHECK(info->load_count == 2); // the first try and the one retry
  // The failed loads left nothing behind on the device.
  CHECK(cuda0().free_bytes >= 250 * mb);
  filler.reset();
  CHECK(client.reset_model("big"));
  auto held = client.acquire(model_spec::by_id("big"));
  CHECK(client.get_model_info("big")->state == "ready");
}

TEST_CASE("out of memory on the device evicts idle models and the retry "
          "succeeds",
          "[cuda]") {
  CMM_REQUIRE_CUDA();
  oom_fixture f;
  auto& client = f.client;
  client.acquire(model_spec::by_id("idle")).reset();
  REQUIRE(client.is_model_loaded("idle"));
  // 300 MB free: `big` does not fit until `idle` (640 MB) is gone.
  auto filler = leave_free(300 * mb);
  auto held = client.acquire(model_spec::by_id("big"));
  auto big = client.get_model_info("big");
  REQUIRE(big);
  CHECK(big->state == "ready");
  CHECK(big->load_count == 2); // out of memory once, then the retry
  CHECK_FALSE(client.is_model_loaded("idle"));
  std::vector<float> ones(256, 1.0f);
  auto out = client.infer(
      held.get(), {make_tensor_from_floats(dtype::f32, {1, 256}, ones)});
  REQUIRE(out.size() == 1);
  CHECK(out[0].shape == std::vector<int64_t>{1, 256});
}
