#pragma once

// The floor of a miss and of an unload: libtorch alone, no manager.

#include <string>

#include "load_target.hpp"
#include "process_memory.hpp"

namespace cmm::bench {

/// One `torch::jit::load` of a file to the target device with a cast of its
/// floating state to the target precision, and the destruction of the
/// module (on a GPU with the allocator's cache emptied, as an unload does),
/// with memory around both. GPU work is synchronized before each clock
/// reading.
struct bare_load_result {
  double load_seconds = 0;
  double free_seconds = 0;
  memory_snapshot before;
  memory_snapshot loaded;
  memory_snapshot after;
};

bare_load_result bare_load_and_free(const std::string& path,
                                    const load_target& target = {});

} // namespace cmm::bench
