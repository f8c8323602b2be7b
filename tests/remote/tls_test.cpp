#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <sys/wait.h>

#include "cmm/blocking_client.hpp"
#include "remote_fixture.hpp"
#include "test_certificates.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

using transport = test::client_system::transport;

/// Connects with `client` and acquires and releases `echo32`.
void require_served(test::client_system& client, uint16_t port) {
  auto supervisor = client.connect(port);
  INFO((supervisor ? std::string{} : client.sys().render(supervisor.error())));
  REQUIRE(supervisor);
  blocking_client remote{client.sys(), *supervisor, 10s};
  auto held = remote.acquire(model_spec::by_id("echo32"));
  CHECK(remote.get_model_info("echo32")->refs == 1);
  CHECK(remote.release_model(held) == 0);
}

/// Runs cmm-remote-client with `flags` against the node; answers its exit
/// status.
int run_client_process(const test::temp_directory& dir, uint16_t port,
                       std::vector<std::string> flags) {
  std::vector<std::string> args{CMM_REMOTE_CLIENT,
                                "--client.port=" + std::to_string(port),
                                "--client.model=echo32"};
  args.insert(args.end(), flags.begin(), flags.end());
  test::child_process client{args, dir.file("client.log")};
  auto status = client.wait_exit(15s);
  INFO(client.output());
  REQUIRE(status);
  REQUIRE(WIFEXITED(*status));
  return WEXITSTATUS(*status);
}

} // namespace

TEST_CASE("TLS: a client with a certificate from the node's CA is served, "
          "one without a valid certificate is refused",
          "[remote][tls]") {
  REQUIRE(test::have_openssl_cli());
  test::temp_directory dir;
  auto certs = test::make_test_certificates(dir);
  auto options = test::remote_catalog(dir.file("absent.pt"));
  options.tls = certs.node;
  test::node_process node{dir, options};
  CHECK(node.process().output().find("over TLS") != std::string::npos);
  {
    test::client_system good{transport::tls, certs.client};
    require_served(good, node.port());
  }
  {
    INFO("no TLS at all");
    test::client_system plain{transport::plain};
    CHECK_FALSE(plain.connect(node.port()));
  }
  {
    INFO("TLS without a certificate");
    test::client_system anonymous{transport::anonymous_tls};
    CHECK_FALSE(anonymous.connect(node.port()));
  }
  {
    INFO("a self-signed certificate the node's CA did not sign");
    test::client_system rogue{transport::tls, certs.rogue};
    CHECK_FALSE(rogue.connect(node.port()));
  }
  // The refused handshakes left the node serving.
  test::client_system again{transport::tls, certs.client};
  require_served(again, node.port());
}

TEST_CASE("TLS: cmm-remote-client takes its certificate from --cmm.tls.* "
          "flags",
          "[remote][tls]") {
  REQUIRE(test::have_openssl_cli());
  test::temp_directory dir;
  auto certs = test::make_test_certificates(dir);
  auto options = test::remote_catalog(dir.file("absent.pt"));
  options.tls = certs.node;
  test::node_process node{dir, options};
  CHECK(run_client_process(dir, node.port(),
                           {"--cmm.tls.certificate=" + certs.client.certificate,
                            "--cmm.tls.key=" + certs.client.key,
                            "--cmm.tls.ca-file=" + certs.client.ca_file}) == 0);
  CHECK(run_client_process(dir, node.port(), {}) == 3);
  CHECK(run_client_process(dir, node.port(),
                           {"--cmm.tls.certificate=" + certs.client.certificate,
                            "--cmm.tls.ca-file=" + certs.client.ca_file}) == 2);
}

TEST_CASE("TLS: a client refuses a node whose certificate its CA did not "
          "sign",
          "[remote][tls]") {
  REQUIRE(test::have_openssl_cli());
  test::temp_directory dir;
  auto certs = test::make_test_certificates(dir);
  auto options = test::remote_catalog(dir.file("absent.pt"));
  // Self-signed, though the node itself trusts the CA.
  options.tls = certs.rogue;
  test::node_process node{dir, options};
  test::client_system client{transport::tls, certs.client};
  CHECK_FALSE(client.connect(node.port()));
}
