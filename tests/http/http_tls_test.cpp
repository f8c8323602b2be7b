// The HTTP sides over TLS with the node's cmm.tls.* certificate and key.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http_fixture.hpp"
#include "support/test_certificates.hpp"

using namespace cmm;
using namespace cmm::test;
using json = nlohmann::json;

TEST_CASE("with cmm.tls.* set, HTTP is served over TLS only", "[http][tls]") {
  if (!have_openssl_cli())
    FAIL("the TLS tests need the openssl program (tools/setup.sh installs "
         "it)");
  temp_directory dir;
  auto certs = make_test_certificates(dir);
  auto options = http_catalog(dir);
  options.tls = certs.node;
  node_process node{dir, options};
  auto https = [&](const std::string& path, uint16_t port,
                   std::vector<std::string> extra, const std::string& body) {
    http_request req;
    req.method = body.empty() ? "GET" : "POST";
    req.body = body;
    // The node's certificate names `node`.
    req.url = "https://node:" + std::to_string(port) + path;
    req.curl_args = {"--cacert", certs.node.ca_file, "--resolve",
                     "node:" + std::to_string(port) + ":127.0.0.1"};
    for (auto& x : extra)
      req.curl_args.push_back(x);
    return curl(dir, req);
  };
  auto infer = https("/v2/models/echo/infer", node.http_port(), {},
                     fp32_request({1}, {4.0f}));
  REQUIRE(infer.status == 200);
  CHECK(json::parse(infer.body)["outputs"][0]["data"] == json({4.0}));
  CHECK(https("/metrics", node.http_port(), {}, "").status == 200);

  // Plain text to a TLS port gets no HTTP answer.
  http_request plain;
  plain.url = "http://127.0.0.1:" + std::to_string(node.http_port()) + "/v2";
  CHECK_THROWS(curl(dir, plain));

  // The operator side also asks for a client certificate from the CA.
  CHECK_THROWS(
      https("/v2/repository/index", node.http_operator_port(), {}, "{}"));
  auto with_cert = https(
      "/v2/repository/index", node.http_operator_port(),
      {"--cert", certs.client.certificate, "--key", certs.client.key}, "{}");
  CHECK(with_cert.status == 200);
  CHECK_THROWS(https(
      "/v2/repository/index", node.http_operator_port(),
      {"--cert", certs.rogue.certificate, "--key", certs.rogue.key}, "{}"));
  // None of that disturbed the node.
  CHECK(https("/v2/models/echo/infer", node.http_port(), {},
              fp32_request({1}, {5.0f}))
            .status == 200);
}
