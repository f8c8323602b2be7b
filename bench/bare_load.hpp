#pragma once

// The floor of a miss and of an unload: libtorch alone, no manager.

#include <string>

#include "process_memory.hpp"

namespace cmm::bench {

/// One `torch::jit::load` of a file to the CPU and the destruction of the
/// module, with resident memory around both.
struct bare_load_result {
  double load_seconds = 0;
  double free_seconds = 0;
  memory_snapshot before;
  memory_snapshot loaded;
  memory_snapshot after;
};

bare_load_result bare_load_and_free(const std::string& path);

} // namespace cmm::bench
