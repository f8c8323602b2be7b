#pragma once

// Device memory the test itself holds, as a user's own tensors would: the
// one part of the CUDA tests that calls libtorch directly.

#include <cstdint>
#include <memory>

namespace cmm::test {

/// Creates this process's CUDA context on `cuda:0`.
void initialize_cuda();

/// Holds `bytes` of `cuda:0` in one tensor from libtorch's caching
/// allocator; frees it and returns the cached block to the device when
/// destroyed.
class device_filler {
public:
  explicit device_filler(uint64_t bytes);

  device_filler(const device_filler&) = delete;
  device_filler& operator=(const device_filler&) = delete;

  ~device_filler();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace cmm::test
