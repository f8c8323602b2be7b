#include "cmm/device_budget.hpp"

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

} // namespace cmm
