#include "cmm/cuda_memory.hpp"

#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>

namespace cmm {

void release_cached_cuda_memory() {
  c10::cuda::CUDACachingAllocator::emptyCache();
}

std::optional<cuda_memory_stats> query_cuda_memory(int device_index) {
  namespace alloc = c10::cuda::CUDACachingAllocator;
  if (device_index < 0 || device_index >= c10::cuda::device_count())
    return std::nullopt;
  cuda_memory_stats result;
  try {
    // cudaMemGetInfo reports on the current device only.
    c10::cuda::CUDAGuard guard{static_cast<c10::DeviceIndex>(device_index)};
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
    auto stats = alloc::getDeviceStats(device_index);
    auto aggregate = static_cast<size_t>(alloc::StatType::AGGREGATE);
    result.reserved_bytes =
        static_cast<uint64_t>(stats.reserved_bytes[aggregate].current);
    result.allocated_bytes =
        static_cast<uint64_t>(stats.allocated_bytes[aggregate].current);
  } catch (const c10::Error&) {
    // Until libtorch initializes CUDA, its allocator knows no device and
    // holds nothing on it.
  }
  return result;
}

} // namespace cmm
