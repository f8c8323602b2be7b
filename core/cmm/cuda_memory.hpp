#pragma once

#include <cstdint>
#include <optional>

namespace cmm {

/// Device memory figures of one CUDA device.
struct cuda_memory_stats {
  /// What `cudaMemGetInfo` reports: free and total bytes of the device.
  uint64_t free_bytes = 0;
  uint64_t total_bytes = 0;
  /// Bytes held by libtorch's caching allocator (allocated + cached).
  uint64_t reserved_bytes = 0;
  /// Bytes of live tensors in the caching allocator.
  uint64_t allocated_bytes = 0;
};

/// Whether the libtorch this project was built against has CUDA.
bool built_with_cuda();

/// CUDA devices visible to this process; 0 in builds without CUDA.
int visible_cuda_devices();

/// Returns the caching allocator's unused blocks to the device. A no-op in
/// builds without CUDA.
void release_cached_cuda_memory();

/// Queries a device; `std::nullopt` in builds without CUDA or for a device
/// that is not visible.
std::optional<cuda_memory_stats> query_cuda_memory(int device_index);

} // namespace cmm
