#include <catch2/catch.hpp>

#include <limits>

#include "cmm/tensor_check.hpp"

using namespace cmm;

namespace {

tensor raw(uint8_t type_code, std::vector<int64_t> shape, size_t bytes) {
  tensor x;
  x.type = static_cast<dtype>(type_code);
  x.shape = std::move(shape);
  x.bytes = std::make_shared<const std::vector<uint8_t>>(bytes);
  return x;
}

constexpr uint8_t f32 = static_cast<uint8_t>(dtype::f32);
constexpr int64_t big = int64_t{1} << 62;

struct refusal_case {
  const char* what;
  tensor input;
  const char* message;
};

} // namespace

TEST_CASE("expected_bytes counts without overflow", "[tensor]") {
  CHECK(expected_bytes(dtype::f32, {}) == 4u);
  CHECK(expected_bytes(dtype::f32, {2, 3}) == 24u);
  CHECK(expected_bytes(dtype::i64, {0, 1000}) == 0u);
  CHECK(expected_bytes(dtype::bf16, {1 << 20}) == uint64_t{2} << 20);
  CHECK_FALSE(expected_bytes(dtype::f32, {-1}));
  CHECK_FALSE(expected_bytes(dtype::f32, {big + 16}));
  CHECK_FALSE(expected_bytes(dtype::u8, {int64_t{1} << 32, int64_t{1} << 32}));
  CHECK_FALSE(expected_bytes(static_cast<dtype>(10), {1}));
}

TEST_CASE("check_tensor refuses what libtorch must never read",
          "[tensor][hostile]") {
  auto c = GENERATE(values<refusal_case>({
      {"dtype code 10", raw(10, {1, 64}, 64), "dtype code 10"},
      {"dtype code 200", raw(200, {262144, 64}, 16 << 20), "dtype code 200"},
      {"an element count past 64 bits", raw(f32, {big + 16}, 64),
       "more bytes than fit in 64 bits"},
      {"a byte size past 64 bits", raw(f32, {big / 2, 4}, 64),
       "more bytes than fit in 64 bits"},
      {"a negative extent", raw(f32, {4, -2}, 0),
       "negative extent (-2) in dimension 1"},
      {"too few bytes", raw(f32, {1, 64}, 64),
       "holds 64 bytes but its shape [1,64] in fp32 needs 256"},
      {"too many bytes", raw(f32, {2}, 9), "holds 9 bytes"},
      {"too many dimensions", raw(f32, std::vector<int64_t>(33, 1), 4),
       "33 dimensions"},
  }));
  CAPTURE(c.what);
  auto err = check_tensor(c.input, "input 3");
  REQUIRE(err);
  CHECK(err->code == errc::bad_input);
  CHECK_THAT(err->message, Catch::StartsWith("input 3"));
  CHECK_THAT(err->message, Catch::Contains(c.message));
}

TEST_CASE("check_tensor accepts every well-formed tensor", "[tensor]") {
  CHECK_FALSE(check_tensor(
      make_tensor_from_floats(dtype::f32, {2, 2}, {1, 2, 3, 4}), "x"));
  CHECK_FALSE(check_tensor(raw(f32, {0, 5}, 0), "empty"));
  CHECK_FALSE(check_tensor(raw(f32, {}, 4), "scalar"));
  CHECK_FALSE(
      check_tensor(raw(static_cast<uint8_t>(dtype::boolean), {3}, 3), "mask"));
}

TEST_CASE("check_inputs bounds a request as a whole", "[tensor][hostile]") {
  request_limits limits;
  limits.max_request_bytes = 1000;
  limits.max_inputs = 3;
  auto small = raw(f32, {100}, 400);
  CHECK_FALSE(check_inputs({small, small}, limits));
  SECTION("more bytes than the limit, over several inputs") {
    auto err = check_inputs({small, small, small}, limits);
    REQUIRE(err);
    CHECK(err->code == errc::bad_input);
    CHECK_THAT(err->message, Catch::Contains("cmm.max-request-bytes"));
    CHECK_THAT(err->message, Catch::Contains("input 2"));
  }
  SECTION("more inputs than the limit") {
    auto tiny = raw(f32, {1}, 4);
    auto err = check_inputs({tiny, tiny, tiny, tiny}, limits);
    REQUIRE(err);
    CHECK_THAT(err->message, Catch::Contains("4 inputs; at most 3"));
  }
  SECTION("the first bad input is named") {
    auto err = check_inputs({small, raw(19, {1}, 4)}, limits);
    REQUIRE(err);
    CHECK_THAT(err->message, Catch::StartsWith("input 1 has dtype code 19"));
  }
}

TEST_CASE("numel reports overflow and negative extents as -1", "[tensor]") {
  CHECK(raw(f32, {3, 4}, 48).numel() == 12);
  CHECK(raw(f32, {big, 4}, 0).numel() == -1);
  CHECK(raw(f32, {-3}, 0).numel() == -1);
  CHECK(raw(200, {4}, 4).to_floats().empty());
}
