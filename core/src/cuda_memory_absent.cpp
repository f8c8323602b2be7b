#include "cmm/cuda_memory.hpp"

namespace cmm {

bool built_with_cuda() {
  return false;
}

int visible_cuda_devices() {
  return 0;
}

void release_cached_cuda_memory() {
  // nop
}

std::optional<cuda_memory_stats> query_cuda_memory(int) {
  return std::nullopt;
}

} // namespace cmm
