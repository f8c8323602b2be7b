#include "cmm/tensor.hpp"

#include "cmm/tensor_check.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace cmm {

int64_t tensor::numel() const {
  int64_t total = 1;
  for (auto extent : shape)
    if (extent < 0 || __builtin_mul_overflow(total, extent, &total))
      return -1;
  return total;
}

size_t tensor::nbytes() const {
  return bytes ? bytes->size() : 0;
}

namespace {

template <class T> T read_at(const uint8_t* data, size_t index) {
  T value;
  std::memcpy(&value, data + index * sizeof(T), sizeof(T));
  return value;
}

template <class T>
void write_at(std::vector<uint8_t>& buf, size_t index, T value) {
  std::memcpy(buf.data() + index * sizeof(T), &value, sizeof(T));
}

} // namespace

std::vector<float> tensor::to_floats() const {
  auto size = element_size(type);
  if (size == 0)
    return {};
  auto n = nbytes() / size;
  std::vector<float> out(n);
  const uint8_t* data = bytes ? bytes->data() : nullptr;
  for (size_t i = 0; i < n; ++i) {
    switch (type) {
    case dtype::f32:
      out[i] = read_at<float>(data, i);
      break;
    case dtype::f16:
      out[i] = f16_to_float(read_at<uint16_t>(data, i));
      break;
    case dtype::bf16:
      out[i] = bf16_to_float(read_at<uint16_t>(data, i));
      break;
    case dtype::i64:
      out[i] = static_cast<float>(read_at<int64_t>(data, i));
      break;
    case dtype::i32:
      out[i] = static_cast<float>(read_at<int32_t>(data, i));
      break;
    case dtype::u8:
    case dtype::boolean:
      out[i] = static_cast<float>(data[i]);
      break;
    case dtype::i8:
      out[i] = static_cast<float>(static_cast<int8_t>(data[i]));
      break;
    case dtype::i16:
      out[i] = static_cast<float>(read_at<int16_t>(data, i));
      break;
    case dtype::f64:
      out[i] = static_cast<float>(read_at<double>(data, i));
      break;
    }
  }
  return out;
}

result<tensor> make_tensor(dtype type, std::vector<int64_t> shape,
                           std::vector<uint8_t> bytes) {
  tensor t;
  t.type = type;
  t.shape = std::move(shape);
  t.bytes = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  if (auto err = check_tensor(t, "the tensor"))
    return *err;
  return t;
}

tensor make_tensor_from_floats(dtype type, std::vector<int64_t> shape,
                               const std::vector<float>& values) {
  if (!is_defined(type))
    throw std::invalid_argument("make_tensor_from_floats: no such dtype");
  tensor t;
  t.type = type;
  t.shape = std::move(shape);
  if (static_cast<size_t>(t.numel()) != values.size())
    throw std::invalid_argument(
        "make_tensor_from_floats: " + std::to_string(values.size()) +
        " values for a shape of " + std::to_string(t.numel()) + " elements");
  std::vector<uint8_t> buf(values.size() * element_size(type));
  for (size_t i = 0; i < values.size(); ++i) {
    auto x = values[i];
    switch (type) {
    case dtype::f32:
      write_at(buf, i, x);
      break;
    case dtype::f16:
      write_at(buf, i, float_to_f16(x));
      break;
    case dtype::bf16:
      write_at(buf, i, float_to_bf16(x));
      break;
    case dtype::i64:
      write_at(buf, i, static_cast<int64_t>(x));
      break;
    case dtype::i32:
      write_at(buf, i, static_cast<int32_t>(x));
      break;
    case dtype::u8:
      buf[i] = static_cast<uint8_t>(x);
      break;
    case dtype::boolean:
      buf[i] = x != 0.0f ? 1 : 0;
      break;
    case dtype::i8:
      buf[i] = static_cast<uint8_t>(static_cast<int8_t>(x));
      break;
    case dtype::i16:
      write_at(buf, i, static_cast<int16_t>(x));
      break;
    case dtype::f64:
      write_at(buf, i, static_cast<double>(x));
      break;
    }
  }
  t.bytes = std::make_shared<const std::vector<uint8_t>>(std::move(buf));
  return t;
}

uint16_t float_to_bf16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  if (std::isnan(x))
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  // Round to nearest even.
  bits += 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>(bits >> 16);
}

float bf16_to_float(uint16_t x) {
  uint32_t bits = static_cast<uint32_t>(x) << 16;
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

uint16_t float_to_f16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  uint32_t sign = (bits >> 16) & 0x8000;
  int32_t exp = static_cast<int32_t>((bits >> 23) & 0xff) - 127 + 15;
  uint32_t mant = bits & 0x7fffff;
  if (((bits >> 23) & 0xff) == 0xff) // inf or nan
    return static_cast<uint16_t>(sign | 0x7c00 | (mant ? 0x200 : 0));
  if (exp >= 31)
    return static_cast<uint16_t>(sign | 0x7c00);
  if (exp <= 0) {
    if (exp < -10)
      return static_cast<uint16_t>(sign);
    mant |= 0x800000;
    auto shift = static_cast<uint32_t>(14 - exp);
    uint32_t half = mant >> shift;
    uint32_t rest = mant & ((1u << shift) - 1);
    uint32_t midpoint = 1u << (shift - 1);
    if (rest > midpoint || (rest == midpoint && (half & 1)))
      ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = sign | (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half;
  return static_cast<uint16_t>(half);
}

float f16_to_float(uint16_t x) {
  uint32_t sign = static_cast<uint32_t>(x & 0x8000) << 16;
  uint32_t exp = (x >> 10) & 0x1f;
  uint32_t mant = x & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {
      exp = 127 - 15 + 1;
      while ((mant & 0x400) == 0) {
        mant <<= 1;
        --exp;
      }
      bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000 | (mant << 13);
  } else {
    bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

} // namespace cmm
