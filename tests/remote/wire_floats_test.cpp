#include <catch2/catch.hpp>

#include <cfloat>
#include <cstring>
#include <limits>
#include <vector>

#include "cmm/blocking_client.hpp"
#include "cmm/tensor.hpp"
#include "remote_fixture.hpp"

using namespace cmm;
using namespace std::chrono_literals;

// CAF 0.17's binary serializer turns NaN into +-1, -0.0 into 0 and
// denormals into garbage, and loops forever on +inf. Tensors travel as raw
// bytes, so every bit must come back as sent: the echo models return float
// inputs untouched when their dtype is the model's.

namespace {

template <class T> std::vector<uint8_t> bytes_of(const std::vector<T>& values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

float float_of_bits(uint32_t bits) {
  float out;
  std::memcpy(&out, &bits, sizeof(out));
  return out;
}

/// Sends `bytes` as a tensor of `type` to the echo model `id` on the node
/// and requires the very same bytes back.
void require_echoed_exactly(test::remote_fixture& fx, const std::string& id,
                            dtype type, const std::vector<uint8_t>& bytes) {
  blocking_client remote{fx.client.sys(), fx.endpoint, 10s};
  auto held = remote.acquire(model_spec::by_id(id));
  auto count = static_cast<int64_t>(bytes.size() / element_size(type));
  auto input = make_tensor(type, {1, count}, bytes);
  REQUIRE(input);
  auto out = remote.infer(held.get(), {*input});
  REQUIRE(out.size() == 1);
  CHECK(out[0].type == type);
  CHECK(out[0].shape == std::vector<int64_t>{1, count});
  REQUIRE(out[0].bytes);
  REQUIRE(out[0].bytes->size() == bytes.size());
  CHECK(std::memcmp(out[0].bytes->data(), bytes.data(), bytes.size()) == 0);
}

} // namespace

TEST_CASE_METHOD(test::remote_fixture,
                 "NaN payloads, infinities, negative zero, denormals and "
                 "extremes cross the wire bit-exact",
                 "[remote][floats]") {
  {
    INFO("float32");
    std::vector<float> values{
        float_of_bits(0x7FC12345), // quiet NaN with a payload
        float_of_bits(0x7F800001), // signalling NaN
        float_of_bits(0xFFC00000), // negative NaN
        std::numeric_limits<float>::infinity(),
        -std::numeric_limits<float>::infinity(),
        -0.0f,
        1e-45f,                    // smallest denormal
        float_of_bits(0x807FFFFF), // largest negative denormal
        FLT_MAX,
        -FLT_MAX,
        FLT_MIN,
        1.0f,
    };
    require_echoed_exactly(*this, "echo32", dtype::f32, bytes_of(values));
  }
  {
    INFO("bfloat16");
    std::vector<uint16_t> bits{0x7FC1, 0x7F81, 0xFFC0, 0x7F80, 0xFF80, 0x8000,
                               0x0001, 0x807F, 0x7F7F, 0xFF7F, 0x0080, 0x3F80};
    require_echoed_exactly(*this, "echobf16", dtype::bf16, bytes_of(bits));
  }
  {
    INFO("float16");
    std::vector<uint16_t> bits{0x7E01, 0x7C01, 0xFE00, 0x7C00, 0xFC00, 0x8000,
                               0x0001, 0x83FF, 0x7BFF, 0xFBFF, 0x0400, 0x3C00};
    require_echoed_exactly(*this, "echof16", dtype::f16, bytes_of(bits));
  }
}
