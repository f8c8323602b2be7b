#include "device_table.hpp"

namespace cmm::demo {

namespace {

double mb(uint64_t bytes) {
  return static_cast<double>(bytes) / 1e6;
}

} // namespace

void print_device_table(timeline& out, const std::vector<device_budget>& rows) {
  out.more("{:<8} {:>10} {:>9} {:>9} {:>9} {:>8}", "device", "budget MB",
           "used MB", "reserved", "free MB", "models");
  for (const auto& b : rows)
    out.more("{:<8} {:>10.1f} {:>9.1f} {:>9.1f} {:>9.1f} {:>8}", b.device,
             mb(b.capacity), mb(b.used), mb(b.reserved), mb(b.free_bytes()),
             b.resident);
}

} // namespace cmm::demo
