// The one bench file that includes libtorch.

#include "bare_load.hpp"

#include <memory>

#include <torch/script.h>
#include <torch/version.h>

#include "machine_info.hpp"
#include "process_memory.hpp"
#include "stopwatch.hpp"

namespace cmm::bench {

bare_load_result bare_load_and_free(const std::string& path) {
  bare_load_result out;
  out.before = snapshot_memory();
  auto start = bench_clock::now();
  auto module =
      std::make_unique<torch::jit::Module>(torch::jit::load(path, torch::kCPU));
  out.load_seconds = seconds_since(start);
  out.loaded = snapshot_memory();
  start = bench_clock::now();
  module.reset();
  out.free_seconds = seconds_since(start);
  out.after = snapshot_memory();
  return out;
}

std::string torch_version() {
  return TORCH_VERSION;
}

} // namespace cmm::bench
