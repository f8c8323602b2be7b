#include "cmm/device_budget.hpp"

#include <fstream>

#include <unistd.h>

namespace cmm {

uint64_t device_budget::free_bytes() const {
  // Compare before subtracting: used + reserved may exceed capacity (an
  // estimate ran low), and unsigned subtraction would wrap.
  if (used >= capacity || reserved >= capacity - used)
    return 0;
  return capacity - used - reserved;
}

uint64_t physical_memory_bytes() {
  auto pages = sysconf(_SC_PHYS_PAGES);
  auto page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0)
    return 0;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
}

std::optional<uint64_t> resident_set_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  uint64_t size = 0;
  uint64_t resident = 0;
  if (!(statm >> size >> resident))
    return std::nullopt;
  auto page_size = sysconf(_SC_PAGE_SIZE);
  if (page_size <= 0)
    return std::nullopt;
  return resident * static_cast<uint64_t>(page_size);
}

} // namespace cmm
