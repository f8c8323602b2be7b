#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "cmm/dtype.hpp"
#include "cmm/tensor.hpp"

namespace cmm {

/// An example input a model runs `runs` times after loading, before it is
/// ready, so the first real request does not pay for lazy initialization.
struct warmup_spec {
  dtype type = dtype::f32;
  std::vector<int64_t> shape;
  uint32_t runs = 1;
};

/// Parses `DTYPE:DIMxDIM...*RUNS`, e.g. `fp32:1x64*3` (`*RUNS` optional).
std::optional<warmup_spec> parse_warmup_spec(std::string_view text);

/// The input a warmup runs: ones of the spec's dtype and shape.
tensor warmup_input(const warmup_spec& spec);

} // namespace cmm
