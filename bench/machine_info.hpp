#pragma once

// The machine a run measured, for the report: numbers only mean something
// next to the hardware that produced them.

#include <cstddef>
#include <string>

namespace cmm::bench {

struct machine_info {
  std::string cpu;
  unsigned hardware_threads = 0;
  double memory_gib = 0;
  std::string kernel;
  std::string caf_version;
  std::string torch_version;
};

machine_info describe_machine();

/// libtorch's version string (defined beside the bare load, the one bench
/// file that includes libtorch).
std::string torch_version();

} // namespace cmm::bench
