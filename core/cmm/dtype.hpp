#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmm {

/// Element types of tensors that cross the manager. `bf16`, `f16` and `f32`
/// are also the precisions a model can be loaded in. A value decoded from
/// outside may hold any byte: `is_defined` tells whether it names one of
/// these.
enum class dtype : uint8_t {
  f32,
  f16,
  bf16,
  i64,
  i32,
  u8,
  boolean,
  // Appended: the numeric values travel on the wire.
  i8,
  i16,
  f64,
};

/// Whether `x` is one of the enumerators above.
bool is_defined(dtype x);

/// Short name: `fp32`, `fp16`, `bf16`, `int64`, `int32`, `uint8`, `bool`,
/// `int8`, `int16`, `fp64`; `unknown` for a value that is none of them.
const char* to_string(dtype x);

/// Parses any short name above plus the common aliases (`float32`,
/// `bfloat16`, `half`, `long`, ...).
std::optional<dtype> parse_dtype(std::string_view str);

/// Parses a model precision: only `bf16`, `fp16` and `fp32` (and aliases).
std::optional<dtype> parse_model_dtype(std::string_view str);

/// Bytes per element; 0 for a value that is no dtype.
size_t element_size(dtype x);

/// Floating-point element types, `f64` included (a model precision is
/// never `f64`: see `parse_model_dtype`).
bool is_floating(dtype x);

} // namespace cmm
