#include <catch2/catch.hpp>

#include "cmm/manager_error.hpp"
#include "cuda_support.hpp"

using namespace cmm;
using namespace cmm::test;

namespace {

constexpr auto idle_timeout = std::chrono::seconds{3};
constexpr auto settle_limit = std::chrono::seconds{10};

bool located(blocking_client& client, const std::string& name,
             const std::string& where) {
  return wait_for_info(
      client, name, [&](const model_info& x) { return x.location == where; },
      settle_limit);
}

std::vector<tensor> probe_input(int64_t width) {
  std::vector<float> xs(static_cast<size_t>(width));
  for (size_t i = 0; i < xs.size(); ++i)
    xs[i] = 0.01f * static_cast<float>(i % 17);
  return {make_tensor_from_floats(dtype::f32, {1, width}, xs)};
}

} // namespace

TEST_CASE("an idle model demotes to the CPU, serves there, and comes back "
          "to cuda:0 on acquire when there is room",
          "[cuda]") {
  CMM_REQUIRE_CUDA();
  temp_directory dir;
  auto bp = blueprint_of_size("tiered", 256);
  auto size = write_model(dir.file("tiered.pt"), bp);
  write_model(dir.file("other.pt"), blueprint_of_size("other", 256));
  manager_config cfg;
  cfg.idle_timeout = idle_timeout;
  // Room for one of the two on the device.
  cfg.budgets["cuda:0"] = size / 2 * 3 / 2;
  cfg.models["tiered"] = {"tiered", dir.file("tiered.pt"), "base", "cuda:0",
                          "bf16"};
  cfg.models["tiered"].demote = true;
  cfg.models["other"] = {"other", dir.file("other.pt"), "base", "cuda:0",
                         "bf16"};
  cuda_manager mgr{cfg};
  auto& client = mgr.client();
  client.acquire(model_spec::by_id("tiered")).reset();
  auto bytes = double(client.get_model_info("tiered")->bytes);
  auto on_device = cuda0();
  // The idle timer moves it to the CPU, and the device gets its bytes back.
  REQUIRE(located(client, "tiered", "cpu"));
  auto demoted = cuda0();
  auto given_back =
      (double(demoted.free_bytes) - double(on_device.free_bytes)) / bytes;
  record_figure("demotion: device memory returned", given_back * 100, "%");
  CHECK(given_back >= 0.95);
  CHECK(client.get_model_info("tiered")->state == "ready");
  // With `other` holding the device's budget, `tiered` serves from the CPU.
  auto other = client.acquire(model_spec::by_id("other"));
  {
    auto held = client.acquire(model_spec::by_id("tiered"));
    CHECK(client.get_model_info("tiered")->location == "cpu");
    auto out = client.infer(held.get(), probe_input(bp.width));
    REQUIRE(out.size() == 1);
    CHECK(out[0].shape == std::vector<int64_t>{1, bp.width});
  }
  // Once the device has room again, the next acquire promotes it.
  client.release_model(other);
  REQUIRE(client.unload_model("other"));
  auto before_promotion = cuda0();
  auto held = client.acquire(model_spec::by_id("tiered"));
  REQUIRE(located(client, "tiered", "cuda:0"));
  auto promoted = cuda0();
  auto taken =
      (double(before_promotion.free_bytes) - double(promoted.free_bytes)) /
      bytes;
  record_figure("promotion: device memory taken", taken * 100, "%");
  CHECK(taken >= 0.95);
  CHECK(taken <= 1.5);
  auto out = client.infer(held.get(), probe_input(bp.width));
  REQUIRE(out.size() == 1);
}

TEST_CASE("auto:cuda places on the visible GPU and a GPU beyond the visible "
          "ones is device_unavailable",
          "[cuda]") {
  CMM_REQUIRE_CUDA();
  temp_directory dir;
  write_model(dir.file("m.pt"), blueprint_of_size("m", 8));
  auto absent = "cuda:" + std::to_string(visible_cuda_devices());
  manager_config cfg;
  cfg.models["auto"] = {"auto", dir.file("m.pt"), "base", "auto:cuda", "bf16"};
  cfg.models["absent"] = {"absent", dir.file("m.pt"), "base", absent, "bf16"};
  cuda_manager mgr{cfg};
  auto& client = mgr.client();
  auto held = client.acquire(model_spec::by_id("auto"));
  auto info = client.get_model_info("auto");
  REQUIRE(info);
  CHECK(info->location.rfind("cuda:", 0) == 0);
  if (visible_cuda_devices() == 1)
    CHECK(info->location == "cuda:0");
  try {
    client.acquire(model_spec::by_id("absent"));
    FAIL("an acquire on " << absent << " succeeded");
  } catch (const manager_error& err) {
    INFO(err.what());
    CHECK(err.code() == errc::device_unavailable);
    CHECK_THAT(err.what(), Catch::Contains(absent));
  }
}
