#pragma once

// Where the miss and unload scenarios load their models, and in which
// precision: fp32 on the CPU (the default), bf16 on a GPU, the seed's
// precision there. The manager, the seed baseline and the bare libtorch
// floor all load to the same target.

#include <string>

#include "cmm/device.hpp"
#include "cmm/dtype.hpp"
#include "cmm/result.hpp"

namespace cmm::bench {

struct load_target {
  device where;
  dtype precision = dtype::f32;

  bool on_gpu() const { return where.kind == device::kind_t::cuda; }

  /// E.g. `cpu fp32` or `cuda:0 bf16`.
  std::string label() const;
};

/// `cpu` or `cuda:N` (`cuda` means `cuda:0`); the simulated devices are no
/// place to measure a load.
result<load_target> parse_load_target(const std::string& device_name);

} // namespace cmm::bench
