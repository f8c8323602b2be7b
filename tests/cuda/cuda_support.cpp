#include "cuda_support.hpp"

#include <cstdlib>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "cmm/default_backend.hpp"
#include "device_filler.hpp"

namespace cmm::test {

std::optional<std::string> cuda_skip_reason() {
  if (!built_with_cuda())
    return "this build's libtorch has no CUDA (the CPU build); run "
           "tools/gpu/check.sh on a machine with a GPU";
  if (visible_cuda_devices() == 0)
    return "libtorch has CUDA but sees no GPU";
  // Creates the CUDA context now, so that later free-memory readings do
  // not include it.
  initialize_cuda();
  return std::nullopt;
}

void record_figure(const std::string& name, double value,
                   const std::string& unit) {
  const char* path = std::getenv("CMM_GPU_FIGURES");
  if (!path || !*path)
    return;
  std::ofstream out{path, std::ios::app};
  out << name << '\t' << value << '\t' << unit << '\n';
}

cuda_memory_stats cuda0() {
  auto stats = query_cuda_memory(0);
  REQUIRE(stats);
  return *stats;
}

memory_wait
wait_for_memory(const std::function<bool(const cuda_memory_stats&)>& done,
                std::chrono::milliseconds limit) {
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  memory_wait result;
  for (;;) {
    result.stats = cuda0();
    result.waited = std::chrono::duration_cast<std::chrono::microseconds>(
        clock::now() - start);
    if (done(result.stats)) {
      result.reached = true;
      return result;
    }
    if (result.waited > limit)
      return result;
    std::this_thread::sleep_for(std::chrono::microseconds{200});
  }
}

bool wait_for_info(blocking_client& client, const std::string& name,
                   const std::function<bool(const model_info&)>& done,
                   std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  do {
    auto info = client.get_model_info(name);
    if (info && done(*info))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

cuda_manager::cuda_manager(manager_config cfg) : sys_(sys_cfg_) {
  cfg.log_level = "warn";
  auto model_backend = make_default_backend(cfg);
  manager_ = std::make_unique<model_manager>(sys_, std::move(cfg),
                                             std::move(model_backend));
  client_ = std::make_unique<blocking_client>(sys_, std::chrono::seconds{60});
}

double megabytes(uint64_t bytes) {
  return static_cast<double>(bytes) / 1e6;
}

} // namespace cmm::test
