#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <sys/wait.h>

#include "cmm/blocking_client.hpp"
#include "remote_fixture.hpp"
#include "support/test_certificates.hpp"

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
int run_client_process(uint16_t port, std::vector<std::string> flags) {
  std::vector<std::string> args{CMM_REMOTE_CLIENT,
                                "--client.port=" + std::to_string(port),
                                "--client.model=echo32"};
  args.insert(args.end(), flags.begin(), flags.end());
  test::child_process client{args};
  auto done = client.wait(15s);
  INFO(client.out());
  REQUIRE(done);
  REQUIRE(WIFEXITED(done->status));
  return WEXITSTATUS(done->status);
}

test::test_certificates certificates_in(const test::temp_directory& dir) {
  REQUIRE(test::have_openssl_cli());
  return test::make_test_certificates(dir);
}

/// Certificates made for the test, and nodes serving the remote tests'
/// catalog over TLS.
struct tls_fixture {
  test::temp_directory dir;
  test::test_certificates certs = certificates_in(dir);

  /// Starts a node that presents `identity` and requires TLS.
  test::node_process start_node(const tls_settings& identity) {
    auto options = test::remote_catalog(dir.file("absent.pt"));
    options.tls = identity;
    return test::node_process{dir, options};
  }
};

} // namespace

TEST_CASE_METHOD(tls_fixture,
                 "TLS: a client with a certificate from the node's CA is "
                 "served, one without a valid certificate is refused",
                 "[remote][tls]") {
  auto node = start_node(certs.node);
  CHECK(node.process().out().find("over TLS") != std::string::npos);
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

TEST_CASE_METHOD(tls_fixture,
                 "TLS: cmm-remote-client takes its certificate from "
                 "--cmm.tls.* flags",
                 "[remote][tls]") {
  auto node = start_node(certs.node);
  CHECK(run_client_process(node.port(),
                           {"--cmm.tls.certificate=" + certs.client.certificate,
                            "--cmm.tls.key=" + certs.client.key,
                            "--cmm.tls.ca-file=" + certs.client.ca_file}) == 0);
  CHECK(run_client_process(node.port(), {}) == 3);
  CHECK(run_client_process(node.port(),
                           {"--cmm.tls.certificate=" + certs.client.certificate,
                            "--cmm.tls.ca-file=" + certs.client.ca_file}) == 2);
}

TEST_CASE_METHOD(tls_fixture,
                 "TLS: a client refuses a node whose certificate its CA did "
                 "not sign",
                 "[remote][tls]") {
  // Self-signed, though the node itself trusts the CA.
  auto node = start_node(certs.rogue);
  test::client_system client{transport::tls, certs.client};
  CHECK_FALSE(client.connect(node.port()));
}

TEST_CASE_METHOD(tls_fixture,
                 "TLS: a client that leaves without a goodbye, or a failed "
                 "handshake, leaves every other connection up",
                 "[remote][tls]") {
  auto node = start_node(certs.node);
  test::client_system staying{transport::tls, certs.client};
  auto supervisor = staying.connect(node.port());
  REQUIRE(supervisor);
  blocking_client remote{staying.sys(), *supervisor, 10s};
  // Each case leaves OpenSSL an error on the node's I/O thread; CAF 0.17.6
  // would read it as the next connection's failure.
  auto stays_connected = [&](const char* after) {
    INFO("after " << after);
    auto held = remote.acquire(model_spec::by_id("echo32"));
    CHECK(remote.release_model(held) == 0);
  };
  for (int round = 0; round < 3; ++round) {
    {
      test::client_system leaving{transport::tls, certs.client};
      require_served(leaving, node.port());
    }
    stays_connected("a client closed its connection");
    {
      test::client_system plain{transport::plain};
      CHECK_FALSE(plain.connect(node.port()));
    }
    stays_connected("a plain-text client was refused");
    {
      test::client_system rogue{transport::tls, certs.rogue};
      CHECK_FALSE(rogue.connect(node.port()));
    }
    stays_connected("a certificate was refused");
  }
}
