// Requests built to hurt: each gets its 4xx with a JSON error, and the node
// goes on serving others.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http_fixture.hpp"

using namespace cmm;
using namespace cmm::test;
using json = nlohmann::json;

namespace {

/// A good inference on `echo` still works.
void check_serves(http_fixture& f) {
  auto reply = f.post("/v2/models/echo/infer", fp32_request({2}, {1, 2}));
  REQUIRE(reply.status == 200);
  CHECK(json::parse(reply.body)["outputs"][0]["data"] == json({1.0, 2.0}));
}

/// A TCP connection to the node's HTTP port that sends `text` and stays
/// open until destroyed.
struct raw_connection {
  explicit raw_connection(uint16_t port, const std::string& text) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) ==
            0);
    REQUIRE(::send(fd, text.data(), text.size(), 0) ==
            static_cast<ssize_t>(text.size()));
  }
  ~raw_connection() { ::close(fd); }
  int fd = -1;
};

} // namespace

TEST_CASE("hostile HTTP requests get a 4xx and leave the node serving",
          "[http][hostile]") {
  http_fixture f{[](node_options& o) {
    o.max_request_bytes = "64KiB";
    o.extra_config.push_back("http-max-json-bytes=65536");
    o.extra_config.push_back("http-timeout=2s");
  }};
  struct row {
    const char* what;
    std::string path;
    std::string body;
    int status;
    const char* says;
  };
  auto tiny_input = R"({"inputs":[{"name":"INPUT__0","datatype":)";
  auto c = GENERATE_COPY(values<row>({
      {"malformed JSON", "/v2/models/echo/infer", "{\"inputs\": [", 400,
       "not valid JSON"},
      {"wrong datatype", "/v2/models/echo/infer",
       std::string{tiny_input} + R"("FLOAT","shape":[1],"data":[1]}]})", 400,
       "not one this server takes"},
      {"shape and data disagree", "/v2/models/echo/infer",
       std::string{tiny_input} + R"("FP32","shape":[3],"data":[1,2]}]})", 400,
       "holds 3 elements"},
      {"a shape that overflows", "/v2/models/echo/infer",
       std::string{tiny_input} +
           R"("FP32","shape":[9223372036854775807,2],"data":[]}]})",
       400, "overflows"},
      {"a tensor over cmm.max-request-bytes", "/v2/models/echo/infer",
       std::string{tiny_input} + R"("FP64","shape":[10000],"data":[]}]})", 400,
       "cmm.max-request-bytes"},
      {"an unknown model", "/v2/models/nope/infer", fp32_request({1}, {1}), 404,
       "nope"},
      {"a path as id", "/v2/models/..%2F..%2Fetc%2Fpasswd/infer",
       fp32_request({1}, {1}), 404, "no such route"},
      {"a hidden file as id", "/v2/models/.profile/infer",
       fp32_request({1}, {1}), 400, "not files"},
      {"a home directory as id", "/v2/models/~root/ready", "", 400,
       "not files"},
      {"a repository call on the client side", "/v2/repository/index", "", 403,
       "operator side only"},
      {"a load on the client side", "/v2/repository/models/echo/load", "", 403,
       "operator side only"},
      {"a bad header length", "/v2/models/echo/infer", fp32_request({1}, {1}),
       400, "Inference-Header-Content-Length"},
      {"an unknown route", "/v3/whatever", "", 404, "no such route"},
      {"an input the model cannot take", "/v2/models/tiny/infer",
       fp32_request({1, 3}, {1, 2, 3}), 400, "inference failed"},
  }));
  CAPTURE(c.what);
  std::vector<std::string> headers;
  if (std::string{c.what} == "a bad header length")
    headers.push_back("Inference-Header-Content-Length: -5");
  auto reply = c.path.find("/ready") != std::string::npos
                   ? f.get(c.path)
                   : f.post(c.path, c.body, headers);
  CHECK(reply.status == c.status);
  auto body = json::parse(reply.body);
  REQUIRE(body.contains("error"));
  CHECK_THAT(body["error"].get<std::string>(), Catch::Contains(c.says));
  check_serves(f);
}

TEST_CASE("an oversized body is refused before it is read", "[http][hostile]") {
  http_fixture f{[](node_options& o) {
    o.max_request_bytes = "64KiB";
    o.extra_config.push_back("http-max-json-bytes=65536");
  }};
  auto reply = f.post("/v2/models/echo/infer", std::string(200 * 1024, ' '));
  CHECK(reply.status == 413);
  CHECK(json::parse(reply.body).contains("error"));
  check_serves(f);
}

TEST_CASE("a JSON document over node.http-max-json-bytes is refused",
          "[http][hostile]") {
  http_fixture f{[](node_options& o) {
    o.extra_config.push_back("http-max-json-bytes=1000");
  }};
  std::vector<float> values(500, 1.0f);
  auto reply = f.post("/v2/models/echo/infer", fp32_request({500}, values));
  CHECK(reply.status == 400);
  CHECK_THAT(json::parse(reply.body)["error"].get<std::string>(),
             Catch::Contains("binary data"));
  check_serves(f);
}

TEST_CASE("clients that stall or vanish mid-request do not hold the node",
          "[http][hostile]") {
  http_fixture f{
      [](node_options& o) { o.extra_config.push_back("http-timeout=2s"); }};
  {
    // Headers never finished, a body announced and never sent, and one
    // that leaves at once.
    raw_connection stalled{f.node->http_port(), "POST /v2/models/echo/infer "
                                                "HTTP/1.1\r\nHost: x\r\n"};
    raw_connection short_body{f.node->http_port(),
                              "POST /v2/models/echo/infer HTTP/1.1\r\n"
                              "Host: x\r\nContent-Length: 1000\r\n\r\n{"};
    { raw_connection gone{f.node->http_port(), "GET /v2 HTTP/1.1\r\n"}; }
    check_serves(f);
  }
  check_serves(f);
}
