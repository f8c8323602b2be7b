#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cmm {

/// The memory account of one device: what it may hold, what resident models
/// measure, and what loads in flight have reserved by estimate. A value:
/// `budget_ledger` keeps one per device and alone changes it; `devices`
/// reports copies.
struct device_budget {
  /// Canonical device string, e.g. `cuda:0`, `sim:2`, `cpu`.
  std::string device;
  uint64_t capacity = 0;
  /// Measured bytes of models resident on the device (ready or unloading:
  /// an unload frees its bytes only once the model actor confirms).
  uint64_t used = 0;
  /// Estimated bytes of loads in flight.
  uint64_t reserved = 0;
  /// Bytes of models whose unload is in flight (still part of `used`).
  uint64_t releasing = 0;
  uint32_t resident = 0;

  /// `capacity - used - reserved`, never below zero.
  uint64_t free_bytes() const;
};

/// Physical memory of this machine in bytes (0 if unknown).
uint64_t physical_memory_bytes();

/// The process's resident set (`/proc/self/statm`); none where the kernel
/// does not say.
std::optional<uint64_t> resident_set_bytes();

} // namespace cmm
