#include <catch2/catch.hpp>

#include "cuda_support.hpp"

using namespace cmm;
using namespace cmm::test;

namespace {

std::optional<device_budget> budget_of(blocking_client& client,
                                       const std::string& dev) {
  for (auto& b : client.devices())
    if (b.device == dev)
      return b;
  return std::nullopt;
}

} // namespace

TEST_CASE("an unload returns the model's device memory within 100 ms",
          "[cuda]") {
  CMM_REQUIRE_CUDA();
  temp_directory dir;
  write_model(dir.file("m.pt"), blueprint_of_size("base", 512));
  manager_config cfg;
  cfg.models["m"] = {"m", dir.file("m.pt"), "base", "cuda:0", "bf16"};
  cuda_manager mgr{cfg};
  auto& client = mgr.client();
  auto before = cuda0();
  client.acquire(model_spec::by_id("m")).reset();
  auto loaded = cuda0();
  auto info = client.get_model_info("m");
  REQUIRE(info);
  REQUIRE(info->state == "ready");
  double bytes = static_cast<double>(info->bytes);
  REQUIRE(bytes > 200e6);
  // The load itself gave back what the cast from fp32 left in the cache.
  CHECK(static_cast<double>(loaded.reserved_bytes) -
            static_cast<double>(before.reserved_bytes) <
        1.1 * bytes);
  auto start = std::chrono::steady_clock::now();
  REQUIRE(client.unload_model("m"));
  auto answered = std::chrono::steady_clock::now() - start;
  auto returned = [&](const cuda_memory_stats& now) {
    return double(loaded.reserved_bytes) - double(now.reserved_bytes) >=
               0.95 * bytes &&
           double(now.free_bytes) - double(loaded.free_bytes) >= 0.95 * bytes;
  };
  auto wait = wait_for_memory(returned, std::chrono::milliseconds{100});
  auto total = std::chrono::duration_cast<std::chrono::microseconds>(answered) +
               wait.waited;
  auto allocator_share =
      (double(loaded.reserved_bytes) - double(wait.stats.reserved_bytes)) /
      bytes;
  auto driver_share =
      (double(wait.stats.free_bytes) - double(loaded.free_bytes)) / bytes;
  INFO("model " << megabytes(info->bytes) << " MB; allocator returned "
                << allocator_share * 100 << " %, driver shows "
                << driver_share * 100 << " % back, after "
                << total.count() / 1000.0 << " ms");
  record_figure("unload: model bytes on cuda:0", megabytes(info->bytes), "MB");
  record_figure("unload: returned per caching allocator", allocator_share * 100,
                "%");
  record_figure("unload: returned per cudaMemGetInfo", driver_share * 100, "%");
  record_figure("unload: time until returned", total.count() / 1000.0, "ms");
  CHECK(wait.reached);
  CHECK(total <= std::chrono::milliseconds{100});
  CHECK(wait.stats.allocated_bytes <= before.allocated_bytes);
}

TEST_CASE("the default cuda budget is the free memory at first use minus "
          "cmm.cuda-reserve",
          "[cuda]") {
  CMM_REQUIRE_CUDA();
  temp_directory dir;
  write_model(dir.file("m.pt"), blueprint_of_size("base", 16));
  manager_config cfg;
  cfg.cuda_reserve_bytes = uint64_t{3} << 30;
  cfg.models["m"] = {"m", dir.file("m.pt"), "base", "cuda:0", "bf16"};
  cuda_manager mgr{cfg};
  auto& client = mgr.client();
  CHECK_FALSE(budget_of(client, "cuda:0"));
  auto free_before = cuda0().free_bytes;
  client.acquire(model_spec::by_id("m")).reset();
  auto budget = budget_of(client, "cuda:0");
  REQUIRE(budget);
  double expected = double(free_before) - double(cfg.cuda_reserve_bytes);
  INFO("capacity " << budget->capacity << ", free before " << free_before);
  record_figure("default budget: capacity", megabytes(budget->capacity), "MB");
  record_figure("default budget: free at first use minus reserve",
                expected / 1e6, "MB");
  // Nothing else allocates on the device between the two readings.
  CHECK(std::abs(double(budget->capacity) - expected) <= 8e6);
  CHECK(budget->resident == 1);
  CHECK(budget->used > 0);
}

TEST_CASE("a cuda budget that fits two of three models evicts the least "
          "recently used for the third",
          "[cuda]") {
  CMM_REQUIRE_CUDA();
  temp_directory dir;
  manager_config cfg;
  uint64_t model_bytes = 0;
  for (auto id : {"a", "b", "c"}) {
    auto size = write_model(dir.file(std::string{id} + ".pt"),
                            blueprint_of_size(id, 128));
    model_bytes = std::max(model_bytes, size / 2); // bf16 on the device
    cfg.models[id] = {id, dir.file(std::string{id} + ".pt"), "base", "cuda:0",
                      "bf16"};
  }
  cfg.budgets["cuda:0"] = model_bytes * 5 / 2;
  cuda_manager mgr{cfg};
  auto& client = mgr.client();
  client.acquire(model_spec::by_id("a")).reset();
  client.acquire(model_spec::by_id("b")).reset();
  // `a` is used again, so `b` is now the least recently used.
  client.acquire(model_spec::by_id("a")).reset();
  auto before = cuda0();
  auto c = client.acquire(model_spec::by_id("c"));
  CHECK(client.is_model_loaded("a"));
  CHECK_FALSE(client.is_model_loaded("b"));
  CHECK(client.is_model_loaded("c"));
  auto budget = budget_of(client, "cuda:0");
  REQUIRE(budget);
  CHECK(budget->resident == 2);
  CHECK(budget->used <= budget->capacity);
  // b's bytes went back to the device before c's came: the device holds
  // about as much as before.
  auto after = cuda0();
  CHECK(std::abs(double(after.allocated_bytes) -
                 double(before.allocated_bytes)) < 0.1 * double(model_bytes));
}
