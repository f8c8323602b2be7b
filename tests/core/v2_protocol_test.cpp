#include "cmm/v2_protocol.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cmm/failure_record.hpp"
#include "cmm/http_status.hpp"

using namespace cmm;
using json = nlohmann::json;

namespace {

v2::request_bounds small_bounds() {
  v2::request_bounds b;
  b.tensors.max_request_bytes = 1024;
  b.tensors.max_inputs = 4;
  b.tensors.max_rank = 4;
  b.max_json_bytes = 4096;
  return b;
}

result<v2::infer_request> decode(const std::string& body,
                                 std::optional<uint64_t> header = {}) {
  return v2::decode_infer_request(body, header, small_bounds());
}

std::string one_input(const std::string& datatype, const std::string& shape,
                      const std::string& data) {
  return R"({"inputs":[{"name":"INPUT__0","datatype":")" + datatype +
         R"(","shape":)" + shape + R"(,"data":)" + data + "}]}";
}

template <class T> T element(const tensor& x, size_t i) {
  T v;
  std::memcpy(&v, x.bytes->data() + i * sizeof(T), sizeof(T));
  return v;
}

} // namespace

TEST_CASE("every datatype name maps both ways", "[v2]") {
  for (auto x :
       {dtype::f32, dtype::f16, dtype::bf16, dtype::i64, dtype::i32, dtype::u8,
        dtype::boolean, dtype::i8, dtype::i16, dtype::f64}) {
    auto name = v2::datatype_name(x);
    CAPTURE(name);
    auto back = v2::parse_datatype(name);
    REQUIRE(back);
    CHECK(*back == x);
  }
  for (auto name : {"UINT16", "UINT32", "UINT64", "BYTES", "fp32", ""})
    CHECK_FALSE(v2::parse_datatype(name));
}

TEST_CASE("JSON inputs decode to the bytes of their datatype", "[v2]") {
  SECTION("FP32") {
    auto r = decode(one_input("FP32", "[2,2]", "[1, -2.5, 3e3, 0.1]"));
    REQUIRE(r);
    auto& x = r->inputs.at(0);
    CHECK(x.type == dtype::f32);
    CHECK(x.shape == std::vector<int64_t>{2, 2});
    CHECK(element<float>(x, 1) == -2.5f);
    CHECK(element<float>(x, 3) == 0.1f);
  }
  SECTION("INT64 keeps its whole range") {
    auto r = decode(one_input("INT64", "[2]",
                              "[-9223372036854775808, 9223372036854775807]"));
    REQUIRE(r);
    CHECK(element<int64_t>(r->inputs[0], 0) ==
          std::numeric_limits<int64_t>::min());
    CHECK(element<int64_t>(r->inputs[0], 1) ==
          std::numeric_limits<int64_t>::max());
  }
  SECTION("BOOL, UINT8, INT8, INT16, FP64, FP16, BF16") {
    REQUIRE(decode(one_input("BOOL", "[2]", "[true, false]")));
    REQUIRE(decode(one_input("UINT8", "[2]", "[0, 255]")));
    REQUIRE(decode(one_input("INT8", "[2]", "[-128, 127]")));
    REQUIRE(decode(one_input("INT16", "[1]", "[-32768]")));
    REQUIRE(decode(one_input("FP64", "[1]", "[1e300]")));
    auto h = decode(one_input("FP16", "[1]", "[1.5]"));
    REQUIRE(h);
    CHECK(f16_to_float(element<uint16_t>(h->inputs[0], 0)) == 1.5f);
    auto b = decode(one_input("BF16", "[1]", "[-2]"));
    REQUIRE(b);
    CHECK(bf16_to_float(element<uint16_t>(b->inputs[0], 0)) == -2.0f);
  }
  SECTION("a scalar has shape [] and one element") {
    auto r = decode(one_input("INT32", "[]", "[7]"));
    REQUIRE(r);
    CHECK(element<int32_t>(r->inputs[0], 0) == 7);
  }
}

TEST_CASE("inputs are ordered by their index, not their position", "[v2]") {
  auto r = decode(R"({"id":"r1","inputs":[
    {"name":"INPUT__1","datatype":"INT32","shape":[1],"data":[2]},
    {"name":"INPUT__0","datatype":"INT32","shape":[1],"data":[1]}]})");
  REQUIRE(r);
  CHECK(r->id == "r1");
  CHECK(element<int32_t>(r->inputs[0], 0) == 1);
  CHECK(element<int32_t>(r->inputs[1], 0) == 2);
}

TEST_CASE("a request that lies is refused with a reason", "[v2][hostile]") {
  struct row {
    const char* what;
    std::string body;
    const char* says;
  };
  auto big = std::string(5000, ' ') + "{}";
  auto deep = std::string(50, '[') + std::string(50, ']');
  auto c = GENERATE_COPY(values<row>({
      {"not JSON", "{\"inputs\":", "not valid JSON"},
      {"not an object", "[1,2]", "must be a JSON object"},
      {"too deep", deep, "nests deeper"},
      {"too big", big, "more than the 4096"},
      {"no inputs", R"({"inputs":[]})", "non-empty array"},
      {"unknown datatype", one_input("UINT16", "[1]", "[1]"),
       "not one this server takes"},
      {"datatype lowercase", one_input("fp32", "[1]", "[1]"),
       "not one this server takes"},
      {"shape and data disagree", one_input("FP32", "[2,3]", "[1,2,3,4,5]"),
       "holds 6 elements, its data 5"},
      {"negative dimension", one_input("FP32", "[-1]", "[]"), "non-negative"},
      {"fractional dimension", one_input("FP32", "[1.5]", "[1]"),
       "non-negative integer"},
      {"overflowing shape", one_input("FP32", "[4294967296,4294967296]", "[]"),
       "overflows"},
      {"over the byte limit", one_input("FP64", "[200]", "[]"),
       "cmm.max-request-bytes"},
      {"too many dimensions", one_input("FP32", "[1,1,1,1,1]", "[1]"),
       "dimensions, more than the 4"},
      {"string element", one_input("FP32", "[1]", R"(["1"])"),
       "not a FP32 value"},
      {"nested data", one_input("FP32", "[1,2]", "[[1,2]]"),
       "data must be flat"},
      {"out of range UINT8", one_input("UINT8", "[1]", "[256]"),
       "not a UINT8 value"},
      {"negative UINT8", one_input("UINT8", "[1]", "[-1]"),
       "not a UINT8 value"},
      {"float for INT32", one_input("INT32", "[1]", "[1.5]"),
       "not a INT32 value"},
      {"number for BOOL", one_input("BOOL", "[1]", "[1]"), "not a BOOL value"},
      {"FP16 overflow", one_input("FP16", "[1]", "[70000]"),
       "not a FP16 value"},
      {"FP32 overflow", one_input("FP32", "[1]", "[1e39]"), "not a FP32 value"},
      {"wrong name",
       R"({"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]})",
       "INPUT__0 to INPUT__0"},
      {"index past the inputs",
       R"({"inputs":[{"name":"INPUT__1","datatype":"FP32","shape":[1],"data":[1]}]})",
       "INPUT__0 to INPUT__0"},
      {"leading zero",
       R"({"inputs":[{"name":"INPUT__00","datatype":"FP32","shape":[1],"data":[1]}]})",
       "INPUT__0 to"},
      {"duplicate input",
       R"({"inputs":[{"name":"INPUT__0","datatype":"FP32","shape":[1],"data":[1]},
                     {"name":"INPUT__0","datatype":"FP32","shape":[1],"data":[1]}]})",
       "given twice"},
      {"too many inputs", R"({"inputs":[{},{},{},{},{}]})", "more than the 4"},
      {"id not a string", R"({"id":3,"inputs":[{}]})", "\"id\" must be"},
      {"output with a bad name",
       R"({"inputs":[{"name":"INPUT__0","datatype":"FP32","shape":[1],"data":[1]}],
           "outputs":[{"name":"y"}]})",
       "OUTPUT__0, OUTPUT__1"},
      {"binary size without binary data",
       R"({"inputs":[{"name":"INPUT__0","datatype":"FP32","shape":[1],
           "parameters":{"binary_data_size":4}}]})",
       "runs past the end"},
  }));
  CAPTURE(c.what);
  auto r = decode(c.body);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::bad_input);
  CHECK_THAT(r.error().message, Catch::Contains(c.says));
}

TEST_CASE("binary inputs are taken in order, each exactly its size",
          "[v2][binary]") {
  std::string header = R"({"inputs":[
    {"name":"INPUT__0","datatype":"FP32","shape":[2],"parameters":{"binary_data_size":8}},
    {"name":"INPUT__1","datatype":"INT64","shape":[1],"data":[5]},
    {"name":"INPUT__2","datatype":"UINT8","shape":[3],"parameters":{"binary_data_size":3}}]})";
  float fs[2] = {std::numeric_limits<float>::quiet_NaN(), -0.0f};
  std::string binary(reinterpret_cast<const char*>(fs), 8);
  binary += std::string("\x01\x02\xff", 3);
  SECTION("well formed: NaN and -0 arrive bit for bit") {
    auto r = decode(header + binary, header.size());
    REQUIRE(r);
    REQUIRE(r->inputs.size() == 3);
    CHECK(std::memcmp(r->inputs[0].bytes->data(), fs, 8) == 0);
    CHECK(element<int64_t>(r->inputs[1], 0) == 5);
    CHECK(*r->inputs[2].bytes == std::vector<uint8_t>{1, 2, 255});
  }
  SECTION("bytes left over") {
    auto r = decode(header + binary + "x", header.size());
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("1 bytes of binary data"));
  }
  SECTION("bytes missing") {
    auto r = decode(header + binary.substr(0, 9), header.size());
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("runs past the end"));
  }
  SECTION("a header length past the body") {
    auto r = decode(header, header.size() + 1);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message,
               Catch::Contains("Inference-Header-Content-Length"));
  }
  SECTION("a size that disagrees with the shape") {
    auto lying = R"({"inputs":[{"name":"INPUT__0","datatype":"FP32","shape":[2],
      "parameters":{"binary_data_size":4}}]})";
    auto r = decode(std::string{lying} + "abcd", std::strlen(lying));
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("make 8"));
  }
  SECTION("data and a binary size together") {
    auto both = R"({"inputs":[{"name":"INPUT__0","datatype":"UINT8","shape":[1],
      "data":[1],"parameters":{"binary_data_size":1}}]})";
    auto r = decode(std::string{both} + "a", std::strlen(both));
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("both"));
  }
}

TEST_CASE("the header length is a plain byte count", "[v2][binary]") {
  CHECK(v2::parse_header_length("0") == uint64_t{0});
  CHECK(v2::parse_header_length("1234") == uint64_t{1234});
  for (auto bad : {"", "-1", "12a", " 12", "99999999999999999999"})
    CHECK_FALSE(v2::parse_header_length(bad));
}

TEST_CASE("responses carry every output, as JSON or binary", "[v2]") {
  auto y0 = make_tensor_from_floats(dtype::f32, {2}, {0.1f, -3.0f});
  auto y1 = make_tensor_from_floats(dtype::i64, {1}, {42.0f});
  v2::infer_request req;
  req.id = "abc";
  SECTION("all as JSON, floats exactly") {
    auto r = v2::encode_infer_response("m", req, {y0, y1});
    REQUIRE(r);
    CHECK_FALSE(r->header_length);
    auto doc = json::parse(r->body);
    CHECK(doc["model_name"] == "m");
    CHECK(doc["id"] == "abc");
    CHECK(doc["outputs"][0]["name"] == "OUTPUT__0");
    CHECK(doc["outputs"][0]["datatype"] == "FP32");
    CHECK(static_cast<float>(doc["outputs"][0]["data"][0].get<double>()) ==
          0.1f);
    CHECK(doc["outputs"][1]["data"][0] == 42);
  }
  SECTION("one asked for as binary") {
    req.outputs = {{1, false}, {0, true}};
    auto r = v2::encode_infer_response("m", req, {y0, y1});
    REQUIRE(r);
    REQUIRE(r->header_length);
    auto doc = json::parse(r->body.substr(0, *r->header_length));
    CHECK(doc["outputs"][0]["name"] == "OUTPUT__1");
    CHECK(doc["outputs"][1]["parameters"]["binary_data_size"] == 8);
    CHECK(r->body.substr(*r->header_length) ==
          std::string(reinterpret_cast<const char*>(y0.bytes->data()), 8));
  }
  SECTION("an output the model did not return") {
    req.outputs = {{2, false}};
    auto r = v2::encode_infer_response("m", req, {y0, y1});
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("returned 2 output(s)"));
  }
  SECTION("NaN cannot go as JSON, only as binary") {
    auto nan = make_tensor_from_floats(dtype::f32, {1}, {NAN});
    auto r = v2::encode_infer_response("m", req, {nan});
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("binary data"));
    req.binary_outputs = true;
    CHECK(v2::encode_infer_response("m", req, {nan}));
  }
}

TEST_CASE("metadata says what the manager knows of a model", "[v2]") {
  model_info info;
  info.name = info.id = "tts";
  info.device = "cpu";
  info.dtype = "bf16";
  info.inputs = 2;
  info.outputs = 1;
  info.warmup_type = "int64";
  info.warmup_shape = {1, 16};
  auto doc = json::parse(v2::model_metadata(info));
  CHECK(doc["name"] == "tts");
  CHECK(doc["platform"] == "pytorch_libtorch");
  CHECK(
      doc["inputs"][0] ==
      json({{"name", "INPUT__0"}, {"datatype", "INT64"}, {"shape", {1, 16}}}));
  CHECK(doc["inputs"][1] ==
        json({{"name", "INPUT__1"}, {"datatype", "BF16"}, {"shape", {-1}}}));
  CHECK(doc["outputs"].size() == 1);
}

TEST_CASE("the repository index maps states as Triton names them", "[v2]") {
  std::vector<model_info> rows(3);
  rows[0].name = "a", rows[0].state = "ready";
  rows[1].name = "b", rows[1].state = "failed",
  rows[1].last_error = "model_not_found: gone";
  rows[2].name = "c", rows[2].state = "loading";
  auto all = json::parse(v2::repository_index(rows, false));
  REQUIRE(all.size() == 3);
  CHECK(all[0]["state"] == "READY");
  CHECK(all[1]["state"] == "UNAVAILABLE");
  CHECK(all[1]["reason"] == "model_not_found: gone");
  CHECK(all[2]["state"] == "LOADING");
  CHECK(json::parse(v2::repository_index(rows, true)).size() == 1);
  auto empty = v2::parse_index_request("");
  REQUIRE(empty);
  CHECK_FALSE(*empty);
  CHECK(*v2::parse_index_request(R"({"ready": true})"));
  CHECK_FALSE(v2::parse_index_request(R"({"ready": 1})"));
  CHECK_FALSE(v2::parse_index_request("[[[["));
}

TEST_CASE("errors map to HTTP statuses", "[v2][http]") {
  struct row {
    errc code;
    int status;
  };
  auto c = GENERATE(values<row>({
      {errc::bad_input, 400},
      {errc::not_permitted, 403},
      {errc::holder_gone, 409},
      {errc::unknown_model, 404},
      {errc::shutting_down, 503},
      {errc::insufficient_memory, 503},
      {errc::model_not_found, 503},
      {errc::inference_failed, 500},
  }));
  CAPTURE(to_string(c.code));
  CHECK(http_status_of(c.code) == c.status);
}

TEST_CASE("a failed load's refusal gives its Retry-After", "[v2][http]") {
  failure_record rec;
  rec.cause = {errc::model_not_found, "no file"};
  rec.failed_at = time_point{};
  rec.retry_after = std::chrono::seconds{90};
  auto refused = refusal(rec, time_point{} + std::chrono::seconds{30});
  CHECK(retry_after_of(refused) == std::chrono::seconds{60});
  CHECK_FALSE(retry_after_of({errc::bad_input, "no retry here"}));
  CHECK_FALSE(retry_after_of(
      {errc::bad_input, "x (the load failed earlier and is not retried for "
                        "another 1e9 s unless the model is reset)"}));
}
