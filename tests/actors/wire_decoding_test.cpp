#include <catch2/catch.hpp>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "cmm/actor_types.hpp"

using namespace cmm;

namespace {

std::vector<char> encode(tensor x) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  REQUIRE_FALSE(sink(x));
  return buf;
}

caf::error decode(const std::vector<char>& buf, tensor& x) {
  caf::binary_deserializer source{nullptr, buf.data(), buf.size()};
  return source(x);
}

} // namespace

TEST_CASE("a tensor survives the wire byte for byte", "[wire]") {
  auto sent = make_tensor_from_floats(dtype::bf16, {2, 3}, {1, 2, 3, 4, 5, 6});
  tensor got;
  REQUIRE_FALSE(decode(encode(sent), got));
  CHECK(got.type == sent.type);
  CHECK(got.shape == sent.shape);
  CHECK(*got.bytes == *sent.bytes);
}

TEST_CASE("a payload length beyond the message is refused before anything "
          "is allocated for it",
          "[wire][hostile]") {
  // dtype, an empty shape and a payload of one byte: 4 bytes on the wire,
  // the payload's length being the third.
  tensor one_byte;
  one_byte.type = dtype::u8;
  one_byte.bytes = std::make_shared<const std::vector<uint8_t>>(1, 0x7f);
  auto buf = encode(one_byte);
  REQUIRE(buf.size() == 4);
  REQUIRE(buf[2] == 1);
  // The same message claiming 2^40 payload bytes (a variable-length
  // integer, 7 bits per byte, lowest first).
  std::vector<char> lying{buf[0], buf[1]};
  for (int i = 0; i < 5; ++i)
    lying.push_back(static_cast<char>(0x80));
  lying.push_back(0x20);
  lying.push_back(0x7f);
  tensor got;
  auto err = decode(lying, got);
  CHECK(err == caf::sec::end_of_stream);
  CHECK(got.nbytes() == 0);
}

TEST_CASE("an undefined dtype byte decodes as sent, for the checks to refuse",
          "[wire][hostile]") {
  auto sent = make_tensor_from_floats(dtype::u8, {4}, {1, 2, 3, 4});
  auto buf = encode(sent);
  buf[0] = static_cast<char>(200);
  tensor got;
  REQUIRE_FALSE(decode(buf, got));
  CHECK(static_cast<int>(got.type) == 200);
  CHECK_FALSE(is_defined(got.type));
}
