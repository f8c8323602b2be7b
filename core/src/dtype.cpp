#include "cmm/dtype.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace cmm {

const char* to_string(dtype x) {
  switch (x) {
  case dtype::f32:
    return "fp32";
  case dtype::f16:
    return "fp16";
  case dtype::bf16:
    return "bf16";
  case dtype::i64:
    return "int64";
  case dtype::i32:
    return "int32";
  case dtype::u8:
    return "uint8";
  case dtype::boolean:
    return "bool";
  case dtype::i8:
    return "int8";
  case dtype::i16:
    return "int16";
  case dtype::f64:
    return "fp64";
  }
  return "unknown";
}

bool is_defined(dtype x) {
  return static_cast<uint8_t>(x) <= static_cast<uint8_t>(dtype::f64);
}

std::optional<dtype> parse_dtype(std::string_view str) {
  std::string s(str);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (s == "fp32" || s == "float32" || s == "float" || s == "f32")
    return dtype::f32;
  if (s == "fp16" || s == "float16" || s == "half" || s == "f16")
    return dtype::f16;
  if (s == "bf16" || s == "bfloat16")
    return dtype::bf16;
  if (s == "int64" || s == "long" || s == "i64")
    return dtype::i64;
  if (s == "int32" || s == "int" || s == "i32")
    return dtype::i32;
  if (s == "uint8" || s == "u8" || s == "byte")
    return dtype::u8;
  if (s == "bool" || s == "boolean")
    return dtype::boolean;
  if (s == "int8" || s == "i8")
    return dtype::i8;
  if (s == "int16" || s == "short" || s == "i16")
    return dtype::i16;
  if (s == "fp64" || s == "float64" || s == "double" || s == "f64")
    return dtype::f64;
  return std::nullopt;
}

std::optional<dtype> parse_model_dtype(std::string_view str) {
  auto x = parse_dtype(str);
  if (x && (*x == dtype::f32 || *x == dtype::f16 || *x == dtype::bf16))
    return x;
  return std::nullopt;
}

size_t element_size(dtype x) {
  switch (x) {
  case dtype::f32:
  case dtype::i32:
    return 4;
  case dtype::f16:
  case dtype::bf16:
    return 2;
  case dtype::i64:
  case dtype::f64:
    return 8;
  case dtype::i16:
    return 2;
  case dtype::u8:
  case dtype::boolean:
  case dtype::i8:
    return 1;
  }
  return 0;
}

bool is_floating(dtype x) {
  return x == dtype::f32 || x == dtype::f16 || x == dtype::bf16 ||
         x == dtype::f64;
}

} // namespace cmm
