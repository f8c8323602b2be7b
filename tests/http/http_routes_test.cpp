// Every route of the HTTP front through a real cmm-node and curl, with the
// inference results compared bit for bit against the CAF interface.

#include <chrono>
#include <cstring>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cmm/blocking_client.hpp"
#include "http_fixture.hpp"
#include "support/child_process.hpp"

using namespace cmm;
using namespace cmm::test;
using json = nlohmann::json;

namespace {

std::vector<float> ramp(size_t n) {
  std::vector<float> out(n);
  for (size_t i = 0; i < n; ++i)
    out[i] = static_cast<float>(i) * 0.37f - 2.0f;
  return out;
}

/// What the CAF interface answers for the same inputs.
std::vector<tensor> infer_over_caf(http_fixture& f, const std::string& id,
                                   std::vector<tensor> inputs) {
  blocking_client caf_client{f.client.sys(), f.endpoint,
                             std::chrono::seconds{30}};
  auto held = caf_client.acquire(model_spec::by_id(id));
  auto out = caf_client.infer(held.get(), std::move(inputs));
  caf_client.release_model(held);
  return out;
}

std::vector<float> floats_of(const json& data) {
  std::vector<float> out;
  for (auto& v : data)
    out.push_back(static_cast<float>(v.get<double>()));
  return out;
}

bool same_bits(const std::vector<float>& xs, const tensor& t) {
  return t.type == dtype::f32 && t.nbytes() == xs.size() * sizeof(float) &&
         std::memcmp(xs.data(), t.bytes->data(), t.nbytes()) == 0;
}

} // namespace

TEST_CASE("health, server and model metadata answer as the protocol says",
          "[http]") {
  http_fixture f;
  CHECK(f.get("/v2/health/live").status == 200);
  // The pinned model loads for 1.5 s: not ready until it has.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  int ready = 0;
  while ((ready = f.get("/v2/health/ready").status) != 200 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  CHECK(ready == 200);

  auto server = f.get("/v2");
  REQUIRE(server.status == 200);
  auto doc = json::parse(server.body);
  CHECK(doc["name"] == "cmm-node");
  CHECK(doc["extensions"] == json({"binary_tensor_data", "metrics"}));
  auto op_server = json::parse(f.get("/v2", true).body);
  CHECK(op_server["extensions"].size() == 3);

  auto meta = f.get("/v2/models/tiny");
  REQUIRE(meta.status == 200);
  CHECK(meta.headers["content-type"] == "application/json");
  doc = json::parse(meta.body);
  CHECK(doc["name"] == "tiny");
  CHECK(doc["versions"] == json({"1"}));
  CHECK(doc["platform"] == "pytorch_libtorch");
  CHECK(f.get("/v2/models/tiny/versions/1").status == 200);
  CHECK(f.get("/v2/models/tiny/versions/2").status == 404);

  CHECK(f.get("/v2/models/tiny/ready").status == 400);
  CHECK(
      f.post("/v2/models/tiny/infer", fp32_request({1, 16}, ramp(16))).status ==
      200);
  CHECK(f.get("/v2/models/tiny/ready").status == 200);
  // Once loaded, metadata knows how many tensors `forward` takes and returns.
  doc = json::parse(f.get("/v2/models/two").body);
  CHECK(doc["inputs"].empty());
  CHECK(f.post("/v2/repository/models/two/load", "", {}, true).status == 200);
  doc = json::parse(f.get("/v2/models/two").body);
  CHECK(doc["inputs"].size() == 2);
  CHECK(doc["outputs"].size() == 2);
  CHECK(doc["inputs"][0]["shape"] == json({-1}));

  CHECK(f.get("/v2/models/nope").status == 404);
  CHECK(f.get("/v2/models/nope/ready").status == 404);
}

TEST_CASE("a JSON infer matches the CAF interface bit for bit", "[http]") {
  http_fixture f;
  auto values = ramp(32);
  auto reply = f.post("/v2/models/tiny/infer",
                      fp32_request({2, 16}, values).insert(1, R"("id":"r7",)"));
  REQUIRE(reply.status == 200);
  auto doc = json::parse(reply.body);
  CHECK(doc["model_name"] == "tiny");
  CHECK(doc["id"] == "r7");
  REQUIRE(doc["outputs"].size() == 1);
  auto& out = doc["outputs"][0];
  CHECK(out["name"] == "OUTPUT__0");
  CHECK(out["datatype"] == "FP32");
  CHECK(out["shape"] == json({2, 16}));
  auto expected = infer_over_caf(
      f, "tiny", {make_tensor_from_floats(dtype::f32, {2, 16}, values)});
  REQUIRE(expected.size() == 1);
  CHECK(same_bits(floats_of(out["data"]), expected[0]));
}

TEST_CASE("a binary infer matches the CAF interface bit for bit",
          "[http][binary]") {
  http_fixture f;
  auto values = ramp(16);
  std::string header =
      R"({"inputs":[{"name":"INPUT__0","datatype":"FP32",)"
      R"("shape":[1,16],"parameters":{"binary_data_size":64}}],)"
      R"("parameters":{"binary_data_output":true}})";
  std::string body =
      header + std::string(reinterpret_cast<const char*>(values.data()), 64);
  auto reply = f.post(
      "/v2/models/tiny/infer", body,
      {"Inference-Header-Content-Length: " + std::to_string(header.size()),
       "Content-Type: application/octet-stream"});
  REQUIRE(reply.status == 200);
  CHECK(reply.headers["content-type"] == "application/octet-stream");
  auto length = std::stoul(reply.headers.at("inference-header-content-length"));
  auto doc = json::parse(reply.body.substr(0, length));
  CHECK(doc["outputs"][0]["parameters"]["binary_data_size"] == 64);
  auto expected = infer_over_caf(
      f, "tiny", {make_tensor_from_floats(dtype::f32, {1, 16}, values)});
  auto raw = reply.body.substr(length);
  REQUIRE(raw.size() == expected[0].nbytes());
  CHECK(std::memcmp(raw.data(), expected[0].bytes->data(), raw.size()) == 0);
}

TEST_CASE("several inputs and outputs map to INPUT__n and OUTPUT__n",
          "[http]") {
  http_fixture f;
  auto x = ramp(16);
  // Given out of order: the index in the name decides.
  std::string body = R"({"inputs":[
    {"name":"INPUT__1","datatype":"INT64","shape":[2],"data":[3,9]},
    {"name":"INPUT__0","datatype":"FP32","shape":[2,8],"data":)" +
                     json(x).dump() + R"(}],
    "outputs":[{"name":"OUTPUT__1"},{"name":"OUTPUT__0","parameters":{"binary_data":false}}]})";
  auto reply = f.post("/v2/models/two/infer", body);
  REQUIRE(reply.status == 200);
  auto doc = json::parse(reply.body);
  REQUIRE(doc["outputs"].size() == 2);
  CHECK(doc["outputs"][0]["name"] == "OUTPUT__1");
  CHECK(doc["outputs"][0]["shape"] == json({2}));
  CHECK(doc["outputs"][1]["shape"] == json({2, 4}));
  std::vector<uint8_t> ids(16);
  int64_t id_values[2] = {3, 9};
  std::memcpy(ids.data(), id_values, 16);
  auto expected =
      infer_over_caf(f, "two",
                     {make_tensor_from_floats(dtype::f32, {2, 8}, x),
                      *make_tensor(dtype::i64, {2}, ids)});
  REQUIRE(expected.size() == 2);
  CHECK(same_bits(floats_of(doc["outputs"][0]["data"]), expected[1]));
  CHECK(same_bits(floats_of(doc["outputs"][1]["data"]), expected[0]));
}

TEST_CASE("the repository extension indexes, loads and unloads",
          "[http][repository]") {
  http_fixture f;
  auto index = f.post("/v2/repository/index", "", {}, true);
  REQUIRE(index.status == 200);
  auto rows = json::parse(index.body);
  CHECK(rows.size() == 5);
  auto state_of = [&](const std::string& name) {
    for (auto& row :
         json::parse(f.post("/v2/repository/index", "{}", {}, true).body))
      if (row["name"] == name)
        return row["state"].get<std::string>();
    return std::string{"missing"};
  };
  CHECK(state_of("echo") == "UNAVAILABLE");
  CHECK(f.post("/v2/repository/models/echo/load", "", {}, true).status == 200);
  CHECK(state_of("echo") == "READY");
  auto ready = json::parse(
      f.post("/v2/repository/index", R"({"ready":true})", {}, true).body);
  for (auto& row : ready)
    CHECK(row["state"] == "READY");
  CHECK(f.post("/v2/repository/models/echo/unload", "", {}, true).status ==
        200);
  CHECK(state_of("echo") == "UNAVAILABLE");
  // A model whose file is missing: the load fails, the index says why.
  auto failed = f.post("/v2/repository/models/absent/load", "", {}, true);
  CHECK(failed.status == 503);
  CHECK_THAT(json::parse(failed.body)["error"].get<std::string>(),
             Catch::Contains("absent.pt"));
  for (auto& row :
       json::parse(f.post("/v2/repository/index", "", {}, true).body))
    if (row["name"] == "absent")
      CHECK(row.contains("reason"));
  // Asked again, it is refused with the time until its retry.
  auto again = f.post("/v2/repository/models/absent/load", "", {}, true);
  CHECK(again.status == 503);
  CHECK(again.headers.count("retry-after") == 1);
  CHECK(f.post("/v2/repository/models/nope/load", "", {}, true).status == 404);
  // As Triton's documentation does it: a POST with no body at all.
  for (auto path : {"/v2/repository/index", "/v2/repository/models/echo/load",
                    "/v2/repository/models/echo/unload"}) {
    CAPTURE(path);
    http_request bare;
    bare.method = "POST";
    bare.bare = true;
    bare.url = f.base(true) + path;
    CHECK(curl(f.dir, bare).status == 200);
  }
}

TEST_CASE("a client written from the specification in Python agrees",
          "[http][python]") {
  http_fixture f;
  // Quarters: exact in decimal text, in double and in float alike.
  std::vector<float> values;
  std::string text;
  for (int i = 0; i < 16; ++i) {
    values.push_back(static_cast<float>(i) * 0.25f - 2.0f);
    text += (text.empty() ? "" : ",") + std::to_string(values.back());
  }
  child_process py{{"/usr/bin/python3", CMM_V2_CLIENT, "--port",
                    std::to_string(f.node->http_port()), "--operator-port",
                    std::to_string(f.node->http_operator_port()), "--model",
                    "tiny", "--shape", "1,16", "--values=" + text},
                   child_process::stderr_to::err};
  auto done = py.wait(std::chrono::seconds{120});
  REQUIRE(done);
  INFO(done->err);
  REQUIRE(done->exit_code == 0);
  auto doc = json::parse(done->out);
  auto expected = infer_over_caf(
      f, "tiny", {make_tensor_from_floats(dtype::f32, {1, 16}, values)});
  auto hex = [](const tensor& t) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (auto b : *t.bytes) {
      out += digits[b >> 4];
      out += digits[b & 15];
    }
    return out;
  };
  CHECK(doc["json_output"] == hex(expected[0]));
  CHECK(doc["binary_output"] == hex(expected[0]));
}
