#include "process_memory.hpp"

#include <fstream>
#include <string>
#include <thread>

#include <malloc.h>

#include "cmm/cuda_memory.hpp"

namespace cmm::bench {

uint64_t resident_bytes() {
  std::ifstream in{"/proc/self/status"};
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      uint64_t kib = 0;
      in >> kib;
      return kib * 1024;
    }
    in.ignore(4096, '\n');
  }
  return 0;
}

uint64_t heap_in_use_bytes() {
  auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

memory_snapshot snapshot_memory(const device& gpu) {
  memory_snapshot out{resident_bytes(), heap_in_use_bytes(), 0};
  if (gpu.kind == device::kind_t::cuda)
    if (auto stats = query_cuda_memory(gpu.index))
      out.device_used = stats->total_bytes - stats->free_bytes;
  return out;
}

memory_snapshot settled_memory(std::chrono::milliseconds limit) {
  constexpr uint64_t tolerance = 16 * 1024;
  constexpr auto pause = std::chrono::milliseconds{20};
  auto last = snapshot_memory();
  for (auto waited = pause; waited <= limit; waited += pause) {
    std::this_thread::sleep_for(pause);
    auto now = snapshot_memory();
    auto diff =
        now.heap > last.heap ? now.heap - last.heap : last.heap - now.heap;
    last = now;
    if (diff <= tolerance)
      break;
  }
  malloc_trim(0);
  return snapshot_memory();
}

} // namespace cmm::bench
