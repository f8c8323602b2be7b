#include "cmm/dtype.hpp"

#include <string>

#include <catch2/catch.hpp>

using namespace cmm;

namespace {

struct dtype_case {
  dtype type;
  const char* name;
  size_t size;
  bool floating;
};

struct alias_case {
  const char* text;
  dtype type;
};

const dtype_case all_dtypes[] = {
    {dtype::f32, "fp32", 4, true},      {dtype::f16, "fp16", 2, true},
    {dtype::bf16, "bf16", 2, true},     {dtype::i64, "int64", 8, false},
    {dtype::i32, "int32", 4, false},    {dtype::u8, "uint8", 1, false},
    {dtype::boolean, "bool", 1, false}, {dtype::i8, "int8", 1, false},
    {dtype::i16, "int16", 2, false},    {dtype::f64, "fp64", 8, true},
};

} // namespace

TEST_CASE("every dtype has a name, a size and a floating flag", "[dtype]") {
  for (auto& c : all_dtypes) {
    CAPTURE(c.name);
    CHECK(std::string{to_string(c.type)} == c.name);
    CHECK(element_size(c.type) == c.size);
    CHECK(is_floating(c.type) == c.floating);
    auto parsed = parse_dtype(c.name);
    REQUIRE(parsed);
    CHECK(*parsed == c.type);
  }
}

TEST_CASE("parse_dtype accepts the common aliases", "[dtype]") {
  auto c = GENERATE(values<alias_case>({
      {"float32", dtype::f32},     {"float", dtype::f32},
      {"f32", dtype::f32},         {"FP32", dtype::f32},
      {"float16", dtype::f16},     {"half", dtype::f16},
      {"f16", dtype::f16},         {"Half", dtype::f16},
      {"bfloat16", dtype::bf16},   {"BF16", dtype::bf16},
      {"long", dtype::i64},        {"i64", dtype::i64},
      {"int", dtype::i32},         {"i32", dtype::i32},
      {"u8", dtype::u8},           {"byte", dtype::u8},
      {"boolean", dtype::boolean}, {"double", dtype::f64},
      {"float64", dtype::f64},     {"short", dtype::i16},
  }));
  CAPTURE(c.text);
  auto parsed = parse_dtype(c.text);
  REQUIRE(parsed);
  CHECK(*parsed == c.type);
}

TEST_CASE("parse_dtype rejects unknown names", "[dtype]") {
  auto text = GENERATE(as<std::string>{}, "", "fp8", "float128", "uint16",
                       "int4", "bf 16", " fp32", "fp32 ", "b16");
  CAPTURE(text);
  CHECK_FALSE(parse_dtype(text));
  CHECK_FALSE(parse_model_dtype(text));
}

TEST_CASE("parse_model_dtype accepts only floating precisions", "[dtype]") {
  auto c = GENERATE(values<alias_case>({
      {"bf16", dtype::bf16},
      {"bfloat16", dtype::bf16},
      {"fp16", dtype::f16},
      {"half", dtype::f16},
      {"float16", dtype::f16},
      {"fp32", dtype::f32},
      {"float32", dtype::f32},
      {"float", dtype::f32},
  }));
  CAPTURE(c.text);
  auto parsed = parse_model_dtype(c.text);
  REQUIRE(parsed);
  CHECK(*parsed == c.type);
}

TEST_CASE("parse_model_dtype rejects integer and bool types", "[dtype]") {
  auto text =
      GENERATE(as<std::string>{}, "fp64", "double", "int8", "int16", "int64",
               "long", "int32", "int", "uint8", "byte", "bool", "boolean");
  CAPTURE(text);
  CHECK(parse_dtype(text));
  CHECK_FALSE(parse_model_dtype(text));
}

TEST_CASE("a byte that names no dtype is known as such", "[dtype][hostile]") {
  for (auto& c : all_dtypes)
    CHECK(is_defined(c.type));
  for (int code : {10, 11, 100, 200, 255}) {
    CAPTURE(code);
    auto x = static_cast<dtype>(code);
    CHECK_FALSE(is_defined(x));
    CHECK(element_size(x) == 0);
    CHECK(std::string{to_string(x)} == "unknown");
    CHECK_FALSE(is_floating(x));
  }
}
