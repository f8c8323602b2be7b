#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cmm/dtype.hpp"
#include "cmm/result.hpp"

namespace cmm {

/// A dense, row-major, immutable tensor: element type, shape and a shared
/// byte buffer. Copies share the buffer, so passing a tensor between local
/// actors never copies its payload; on a wire it travels as raw bytes.
struct tensor {
  dtype type = dtype::f32;
  std::vector<int64_t> shape;
  std::shared_ptr<const std::vector<uint8_t>> bytes;

  /// Number of elements the shape describes; -1 where an extent is negative
  /// or the count overflows.
  int64_t numel() const;

  /// Size of the payload in bytes (0 for a tensor without buffer).
  size_t nbytes() const;

  /// Elements converted to float, whatever the dtype.
  std::vector<float> to_floats() const;
};

/// Builds a tensor, checking it as `check_tensor` does (see tensor_check.hpp):
/// a defined dtype, and `bytes` holding exactly the elements `shape`
/// describes.
result<tensor> make_tensor(dtype type, std::vector<int64_t> shape,
                           std::vector<uint8_t> bytes);

/// Builds a tensor of `type` from float values (rounded or truncated to the
/// target type), e.g. for generated inputs. `values` must hold as many
/// elements as `shape` describes, else it throws `std::invalid_argument`
/// (a programming error, not bad input).
tensor make_tensor_from_floats(dtype type, std::vector<int64_t> shape,
                               const std::vector<float>& values);

/// Converts between float and the 16-bit float formats.
uint16_t float_to_bf16(float x);
float bf16_to_float(uint16_t x);
uint16_t float_to_f16(float x);
float f16_to_float(uint16_t x);

} // namespace cmm
