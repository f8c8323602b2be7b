// The one bench file that includes libtorch.

#include "bare_load.hpp"

#include <memory>

#include <torch/cuda.h>
#include <torch/script.h>
#include <torch/version.h>

#include "cmm/cuda_memory.hpp"
#include "machine_info.hpp"
#include "stopwatch.hpp"

namespace cmm::bench {

namespace {

at::ScalarType scalar_type_of(dtype x) {
  switch (x) {
  case dtype::bf16:
    return at::kBFloat16;
  case dtype::f16:
    return at::kHalf;
  default:
    return at::kFloat;
  }
}

/// What a user writes to run a file in bf16: every floating parameter and
/// buffer cast in place.
void cast_floating(torch::jit::Module& module, at::ScalarType type) {
  auto cast = [type](const at::Tensor& t) {
    if (t.is_floating_point() && t.scalar_type() != type)
      t.set_data(t.to(type));
  };
  for (const auto& t : module.parameters())
    cast(t);
  for (const auto& t : module.buffers())
    cast(t);
}

} // namespace

bare_load_result bare_load_and_free(const std::string& path,
                                    const load_target& target) {
  auto dev =
      target.on_gpu()
          ? torch::Device{torch::kCUDA,
                          static_cast<c10::DeviceIndex>(target.where.index)}
          : torch::Device{torch::kCPU};
  auto settle = [&target] {
    if (target.on_gpu())
      torch::cuda::synchronize(target.where.index);
  };
  bare_load_result out;
  out.before = snapshot_memory(target.where);
  auto start = bench_clock::now();
  auto module =
      std::make_unique<torch::jit::Module>(torch::jit::load(path, dev));
  if (target.precision != dtype::f32)
    cast_floating(*module, scalar_type_of(target.precision));
  settle();
  out.load_seconds = seconds_since(start);
  out.loaded = snapshot_memory(target.where);
  start = bench_clock::now();
  module.reset();
  if (target.on_gpu())
    release_cached_cuda_memory();
  settle();
  out.free_seconds = seconds_since(start);
  out.after = snapshot_memory(target.where);
  return out;
}

std::string torch_version() {
  return TORCH_VERSION;
}

} // namespace cmm::bench
