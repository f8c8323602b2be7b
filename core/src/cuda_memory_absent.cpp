#include "cmm/cuda_memory.hpp"

namespace cmm {

void release_cached_cuda_memory() {
  // nop
}

std::optional<cuda_memory_stats> query_cuda_memory(int) {
  return std::nullopt;
}

} // namespace cmm
