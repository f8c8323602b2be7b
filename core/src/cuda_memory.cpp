// The only file that calls CUDA and libtorch's CUDA allocator directly;
// compiled only when the libtorch found has CUDA. It builds against
// libtorch 1.13 and 2.x alike: the allocator's statistics types moved
// between namespaces in 2.x, so they are used through `auto`, and the
// aggregate statistic is the first entry of every statistic array.

#include "cmm/cuda_memory.hpp"

#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>

namespace cmm {

namespace {

constexpr size_t aggregate_stat = 0;

} // namespace

bool built_with_cuda() {
  return true;
}

int visible_cuda_devices() {
  try {
    return static_cast<int>(c10::cuda::device_count());
  } catch (const c10::Error&) {
    return 0;
  }
}

void release_cached_cuda_memory() {
  c10::cuda::CUDACachingAllocator::emptyCache();
}

std::optional<cuda_memory_stats> query_cuda_memory(int device_index) {
  namespace alloc = c10::cuda::CUDACachingAllocator;
  if (device_index < 0 || device_index >= visible_cuda_devices())
    return std::nullopt;
  auto index = static_cast<c10::DeviceIndex>(device_index);
  cuda_memory_stats result;
  try {
    // cudaMemGetInfo reports on the current device only.
    c10::cuda::CUDAGuard guard{index};
    size_t free_bytes = 0;
    size_t total_bytes = 0;
    if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess)
      return std::nullopt;
    result.free_bytes = free_bytes;
    result.total_bytes = total_bytes;
  } catch (const c10::Error&) {
    return std::nullopt;
  }
  try {
    auto stats = alloc::getDeviceStats(index);
    result.reserved_bytes =
        static_cast<uint64_t>(stats.reserved_bytes[aggregate_stat].current);
    result.allocated_bytes =
        static_cast<uint64_t>(stats.allocated_bytes[aggregate_stat].current);
  } catch (const c10::Error&) {
    // Until libtorch initializes CUDA, its allocator knows no device and
    // holds nothing on it.
  }
  return result;
}

} // namespace cmm
