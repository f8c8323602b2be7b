#include <catch2/catch.hpp>

#include <cmath>

#include "cuda_support.hpp"

using namespace cmm;
using namespace cmm::test;

namespace {

std::vector<float> ramp(size_t n) {
  std::vector<float> xs(n);
  for (size_t i = 0; i < n; ++i)
    xs[i] = std::sin(0.37f * static_cast<float>(i)) * 2.0f;
  return xs;
}

/// Runs `inputs` through `id` and returns the single output as floats.
std::vector<float> run(blocking_client& client, const std::string& id,
                       std::vector<tensor> inputs, dtype expected) {
  auto held = client.acquire(model_spec::by_id(id));
  auto out = client.infer(held.get(), std::move(inputs));
  REQUIRE(out.size() == 1);
  CHECK(out[0].type == expected);
  return out[0].to_floats();
}

/// bf16 keeps 8 significant bits: each output may differ from the fp32
/// result by a few units in its last place, plus what the two matrix
/// products round on the way.
void check_close_to_bf16(const std::vector<float>& gpu,
                         const std::vector<float>& cpu) {
  REQUIRE(gpu.size() == cpu.size());
  float scale = 0;
  for (auto x : cpu)
    scale = std::max(scale, std::abs(x));
  REQUIRE(scale > 0);
  double worst = 0;
  for (size_t i = 0; i < cpu.size(); ++i) {
    auto diff = std::abs(gpu[i] - cpu[i]);
    worst = std::max(worst, double(diff) / scale);
    INFO("element " << i << ": cuda " << gpu[i] << ", cpu " << cpu[i]);
    REQUIRE(diff <= 0.02f * std::abs(cpu[i]) + 0.01f * scale);
  }
  record_figure("bf16 worst difference / output scale", worst, "");
}

} // namespace

TEST_CASE("a model loads on cuda:0 in bf16 and infers close to its fp32 CPU "
          "result",
          "[cuda]") {
  CMM_REQUIRE_CUDA();
  temp_directory dir;
  model_blueprint bp;
  bp.width = 256;
  bp.hidden = 512;
  bp.vocab = 1000;
  write_model(dir.file("m.pt"), bp);
  manager_config cfg;
  cfg.models["gpu"] = {"gpu", dir.file("m.pt"), "base", "cuda:0", "bf16"};
  cfg.models["cpu"] = {"cpu", dir.file("m.pt"), "base", "cpu", "fp32"};
  cuda_manager mgr{cfg};
  auto& client = mgr.client();
  SECTION("floating inputs are cast to bf16 on the device") {
    auto x = ramp(static_cast<size_t>(8 * bp.width));
    auto gpu = run(client, "gpu",
                   {make_tensor_from_floats(dtype::f32, {8, bp.width}, x)},
                   dtype::bf16);
    auto cpu = run(client, "cpu",
                   {make_tensor_from_floats(dtype::f32, {8, bp.width}, x)},
                   dtype::f32);
    check_close_to_bf16(gpu, cpu);
  }
  SECTION("token ids pass unchanged to the embedding") {
    auto ids_tensor = [] {
      return make_tensor_from_floats(dtype::i64, {2, 3},
                                     {0, 1, 17, 999, 512, 3});
    };
    auto gpu = run(client, "gpu", {ids_tensor()}, dtype::bf16);
    auto cpu = run(client, "cpu", {ids_tensor()}, dtype::f32);
    check_close_to_bf16(gpu, cpu);
  }
  auto info = client.get_model_info("gpu");
  REQUIRE(info);
  CHECK(info->location == "cuda:0");
  CHECK(info->dtype == "bf16");
}
