#include "cmm/tensor.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

using namespace cmm;

namespace {

constexpr float infinity = std::numeric_limits<float>::infinity();
constexpr float qnan = std::numeric_limits<float>::quiet_NaN();

uint32_t bits_of(float x) {
  uint32_t out;
  std::memcpy(&out, &x, 4);
  return out;
}

float from_bits(uint32_t x) {
  float out;
  std::memcpy(&out, &x, 4);
  return out;
}

const dtype all_dtypes[] = {dtype::f32, dtype::f16, dtype::bf16,   dtype::i64,
                            dtype::i32, dtype::u8,  dtype::boolean};

struct half_case {
  float value;
  uint16_t bits;
};

} // namespace

TEST_CASE("make_tensor accepts a payload that matches the shape", "[tensor]") {
  for (auto type : all_dtypes) {
    CAPTURE(to_string(type));
    auto n = element_size(type);
    auto res = make_tensor(type, {2, 3}, std::vector<uint8_t>(6 * n));
    REQUIRE(res);
    CHECK(res->type == type);
    CHECK(res->shape == std::vector<int64_t>{2, 3});
    CHECK(res->numel() == 6);
    CHECK(res->nbytes() == 6 * n);
  }
}

TEST_CASE("make_tensor handles scalars and empty tensors", "[tensor]") {
  auto scalar = make_tensor(dtype::i64, {}, std::vector<uint8_t>(8));
  REQUIRE(scalar);
  CHECK(scalar->numel() == 1);
  CHECK(scalar->nbytes() == 8);
  auto empty = make_tensor(dtype::f32, {0, 5}, {});
  REQUIRE(empty);
  CHECK(empty->numel() == 0);
  CHECK(empty->nbytes() == 0);
  CHECK(empty->to_floats().empty());
}

TEST_CASE("make_tensor rejects a payload of the wrong size", "[tensor]") {
  auto size = GENERATE(size_t{0}, size_t{23}, size_t{25}, size_t{48});
  CAPTURE(size);
  auto res = make_tensor(dtype::f32, {2, 3}, std::vector<uint8_t>(size));
  REQUIRE_FALSE(res);
  CHECK(res.error().code == errc::bad_input);
  CHECK_THAT(res.error().message,
             Catch::Matchers::Contains(std::to_string(size) + " bytes"));
  CHECK_THAT(res.error().message, Catch::Matchers::Contains("needs 24"));
}

TEST_CASE("make_tensor rejects a negative extent", "[tensor]") {
  SECTION("with a payload of the wrong size") {
    auto res = make_tensor(dtype::u8, {2, -1}, {});
    REQUIRE_FALSE(res);
    CHECK(res.error().code == errc::bad_input);
  }
  SECTION("even when the product of the extents fits the payload") {
    auto res = make_tensor(dtype::u8, {-2, -2}, std::vector<uint8_t>(4));
    REQUIRE_FALSE(res);
    CHECK(res.error().code == errc::bad_input);
    CHECK_THAT(res.error().message, Catch::Matchers::Contains("negative"));
  }
}

TEST_CASE("a tensor without a buffer is empty", "[tensor]") {
  tensor t;
  CHECK(t.nbytes() == 0);
  CHECK(t.to_floats().empty());
}

TEST_CASE("floats round-trip through every dtype", "[tensor]") {
  struct round_trip_case {
    dtype type;
    std::vector<float> values;
  };
  auto c = GENERATE(values<round_trip_case>({
      {dtype::f32, {0.0f, -1.0f, 3.14159f, 1e30f, -1e-30f, 16777217.0f}},
      {dtype::f16, {0.0f, 1.0f, -2.5f, 0.0999755859375f, 65504.0f, -0.5f}},
      {dtype::bf16,
       {0.0f, 1.0f, -2.5f, 0.10009765625f, from_bits(0x7f7f0000), 256.0f}},
      {dtype::i64, {0.0f, -7.0f, 123456.0f, 16777216.0f, -16777216.0f}},
      {dtype::i32, {0.0f, -7.0f, 123456.0f, 2147483520.0f, -2147483648.0f}},
      {dtype::u8, {0.0f, 1.0f, 128.0f, 255.0f}},
      {dtype::boolean, {0.0f, 1.0f, 0.0f, 1.0f}},
  }));
  CAPTURE(to_string(c.type));
  auto t =
      make_tensor_from_floats(c.type, {int64_t(c.values.size())}, c.values);
  CHECK(t.type == c.type);
  CHECK(t.shape == std::vector<int64_t>{int64_t(c.values.size())});
  CHECK(t.nbytes() == c.values.size() * element_size(c.type));
  CHECK(t.to_floats() == c.values);
}

TEST_CASE("bool tensors store any non-zero value as one", "[tensor]") {
  auto t =
      make_tensor_from_floats(dtype::boolean, {4}, {0.0f, -3.0f, 0.5f, -0.0f});
  CHECK(*t.bytes == std::vector<uint8_t>{0, 1, 1, 0});
  CHECK(t.to_floats() == std::vector<float>{0.0f, 1.0f, 1.0f, 0.0f});
}

TEST_CASE("integer tensors truncate toward zero", "[tensor]") {
  auto t = make_tensor_from_floats(dtype::i32, {4}, {1.9f, -1.9f, 0.5f, 7.f});
  CHECK(t.to_floats() == std::vector<float>{1.0f, -1.0f, 0.0f, 7.0f});
}

TEST_CASE("the payload is little-endian raw elements", "[tensor]") {
  auto t = make_tensor_from_floats(dtype::i32, {2}, {1.0f, -2.0f});
  CHECK(*t.bytes == std::vector<uint8_t>{1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff});
  auto from_bytes = make_tensor(dtype::bf16, {2}, {0x80, 0x3f, 0x20, 0xc0});
  REQUIRE(from_bytes);
  CHECK(from_bytes->to_floats() == std::vector<float>{1.0f, -2.5f});
}

TEST_CASE("copies of a tensor share the buffer", "[tensor]") {
  auto t = make_tensor_from_floats(dtype::f32, {3}, {1.0f, 2.0f, 3.0f});
  auto copy = t;
  CHECK(copy.bytes == t.bytes);
  CHECK(copy.bytes->data() == t.bytes->data());
  CHECK(t.bytes.use_count() == 2);
  std::vector<tensor> many(4, t);
  for (auto& x : many)
    CHECK(x.bytes.get() == t.bytes.get());
}

TEST_CASE("bf16 conversion is exact for representable values",
          "[tensor][bf16]") {
  auto c = GENERATE(values<half_case>({
      {1.0f, 0x3f80},
      {-2.5f, 0xc020},
      {0.0f, 0x0000},
      {-0.0f, 0x8000},
      {infinity, 0x7f80},
      {-infinity, 0xff80},
      {from_bits(0x7f7f0000), 0x7f7f}, // largest finite bf16
      {from_bits(0x00010000), 0x0001}, // smallest subnormal bf16
  }));
  CAPTURE(c.value);
  CHECK(float_to_bf16(c.value) == c.bits);
  CHECK(bits_of(bf16_to_float(c.bits)) == bits_of(c.value));
}

TEST_CASE("bf16 conversion rounds to nearest even", "[tensor][bf16]") {
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even one.
  CHECK(float_to_bf16(from_bits(0x3f808000)) == 0x3f80);
  // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6.
  CHECK(float_to_bf16(from_bits(0x3f818000)) == 0x3f82);
  // Just above and below the halfway point.
  CHECK(float_to_bf16(from_bits(0x3f808001)) == 0x3f81);
  CHECK(float_to_bf16(from_bits(0x3f807fff)) == 0x3f80);
  CHECK(float_to_bf16(from_bits(0xbf808001)) == 0xbf81);
  // Rounding up past the largest finite value gives infinity.
  CHECK(float_to_bf16(std::numeric_limits<float>::max()) == 0x7f80);
  CHECK(float_to_bf16(-std::numeric_limits<float>::max()) == 0xff80);
  // 0.1 rounds to the nearest bf16, 0.10009765625.
  CHECK(bf16_to_float(float_to_bf16(0.1f)) == 0.10009765625f);
}

TEST_CASE("bf16 conversion keeps NaN a NaN", "[tensor][bf16]") {
  auto x = GENERATE(as<float>{}, qnan, -qnan, from_bits(0x7f800001),
                    from_bits(0xff800001), from_bits(0x7fc00000));
  CAPTURE(bits_of(x));
  auto h = float_to_bf16(x);
  CHECK((h & 0x7f80) == 0x7f80);
  CHECK((h & 0x007f) != 0);
  CHECK((h & 0x8000) == ((bits_of(x) >> 16) & 0x8000));
  CHECK(std::isnan(bf16_to_float(h)));
}

TEST_CASE("f16 conversion is exact for representable values", "[tensor][f16]") {
  auto c = GENERATE(values<half_case>({
      {1.0f, 0x3c00},
      {-2.5f, 0xc100},
      {0.0f, 0x0000},
      {-0.0f, 0x8000},
      {infinity, 0x7c00},
      {-infinity, 0xfc00},
      {65504.0f, 0x7bff}, // largest finite f16
      {-65504.0f, 0xfbff},
      {6.103515625e-05f, 0x0400},        // smallest normal f16, 2^-14
      {5.9604644775390625e-08f, 0x0001}, // smallest subnormal f16, 2^-24
      {-5.9604644775390625e-08f, 0x8001},
      {6.097555160522461e-05f, 0x03ff}, // largest subnormal f16
      {0.333251953125f, 0x3555},
  }));
  CAPTURE(c.value);
  CHECK(float_to_f16(c.value) == c.bits);
  CHECK(bits_of(f16_to_float(c.bits)) == bits_of(c.value));
}

TEST_CASE("f16 conversion overflows to infinity", "[tensor][f16]") {
  auto c = GENERATE(values<half_case>({
      {65520.0f, 0x7c00}, // halfway to the next power: ties to even, infinity
      {1e5f, 0x7c00},
      {-1e5f, 0xfc00},
      {3.4e38f, 0x7c00},
      {-3.4e38f, 0xfc00},
  }));
  CAPTURE(c.value);
  CHECK(float_to_f16(c.value) == c.bits);
  CHECK(std::isinf(f16_to_float(float_to_f16(c.value))));
  // Just below the tie, the largest finite value.
  CHECK(float_to_f16(65519.996f) == 0x7bff);
}

TEST_CASE("f16 conversion rounds to nearest even", "[tensor][f16]") {
  auto c = GENERATE(values<half_case>({
      // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties to even.
      {1.00048828125f, 0x3c00},
      // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 and 1 + 2^-9.
      {1.00146484375f, 0x3c02},
      // Just above a tie rounds up.
      {from_bits(0x3f801001), 0x3c01},
      // 2047.5 lies halfway between 2047 and 2048: ties to even, 2048.
      {2047.5f, 0x6800},
      // The largest value below 2 is exact; halfway above it rounds to even,
      // into the next binade.
      {1.9990234375f, 0x3fff},
      {1.99951171875f, 0x4000},
      {1.999755859375f, 0x4000},
      // 2^-25 lies halfway between 0 and 2^-24: ties to even, zero.
      {2.98023223876953125e-08f, 0x0000},
      {-2.98023223876953125e-08f, 0x8000},
      // Just above 2^-25 rounds up to the smallest subnormal.
      {from_bits(0x33000001), 0x0001},
      // 3 * 2^-25 lies halfway between 2^-24 and 2^-23: ties to even.
      {8.940696716308594e-08f, 0x0002},
      // 5 * 2^-25 lies halfway between 2 * 2^-24 and 3 * 2^-24: even is 2.
      {1.4901161193847656e-07f, 0x0002},
      // Far below the smallest subnormal: zero with the sign kept.
      {1e-10f, 0x0000},
      {-1e-10f, 0x8000},
      // The largest subnormal rounds up to the smallest normal.
      {6.1005353927612305e-05f, 0x0400},
      // 0.1 rounds to 0x2e66.
      {0.1f, 0x2e66},
  }));
  CAPTURE(c.value);
  CHECK(float_to_f16(c.value) == c.bits);
}

TEST_CASE("f16 conversion keeps NaN a NaN", "[tensor][f16]") {
  auto x = GENERATE(as<float>{}, qnan, -qnan, from_bits(0x7f800001),
                    from_bits(0xff800001));
  CAPTURE(bits_of(x));
  auto h = float_to_f16(x);
  CHECK((h & 0x7c00) == 0x7c00);
  CHECK((h & 0x03ff) != 0);
  CHECK((h & 0x8000) == ((bits_of(x) >> 16) & 0x8000));
  CHECK(std::isnan(f16_to_float(h)));
}

TEST_CASE("every f16 value converts to float and back unchanged",
          "[tensor][f16]") {
  uint32_t mismatches = 0;
  uint32_t first_mismatch = 0;
  for (uint32_t i = 0; i <= 0xffff; ++i) {
    auto h = static_cast<uint16_t>(i);
    auto f = f16_to_float(h);
    bool is_nan_bits = (h & 0x7c00) == 0x7c00 && (h & 0x03ff) != 0;
    bool ok = is_nan_bits ? std::isnan(f) : float_to_f16(f) == h;
    if (!ok && mismatches++ == 0)
      first_mismatch = i;
  }
  CAPTURE(first_mismatch);
  CHECK(mismatches == 0);
}

TEST_CASE("every bf16 value converts to float and back unchanged",
          "[tensor][bf16]") {
  uint32_t mismatches = 0;
  uint32_t first_mismatch = 0;
  for (uint32_t i = 0; i <= 0xffff; ++i) {
    auto h = static_cast<uint16_t>(i);
    auto f = bf16_to_float(h);
    bool ok = bits_of(f) == i << 16 && (std::isnan(f) || float_to_bf16(f) == h);
    if (!ok && mismatches++ == 0)
      first_mismatch = i;
  }
  CAPTURE(first_mismatch);
  CHECK(mismatches == 0);
}

TEST_CASE("16-bit tensors round values on construction", "[tensor]") {
  auto f16 = make_tensor_from_floats(dtype::f16, {3}, {0.1f, 1e5f, qnan});
  auto out = f16.to_floats();
  REQUIRE(out.size() == 3);
  CHECK(out[0] == f16_to_float(0x2e66));
  CHECK(out[1] == infinity);
  CHECK(std::isnan(out[2]));
  auto bf16 = make_tensor_from_floats(dtype::bf16, {2}, {0.1f, -0.0f});
  auto out2 = bf16.to_floats();
  REQUIRE(out2.size() == 2);
  CHECK(out2[0] == 0.10009765625f);
  CHECK(bits_of(out2[1]) == 0x80000000u);
}
