// cmm-ctl against a node that requires TLS: it connects with the same
// cmm.tls.* settings the node takes, given as flags, and without them (or
// with unusable ones) it says why.

#include <catch2/catch.hpp>

#include "ctl_command.hpp"
#include "ctl_fixture.hpp"
#include "support/test_certificates.hpp"

using namespace cmm;
using namespace cmm::test;

namespace {

std::vector<std::string> tls_flags(const tls_settings& tls) {
  return {"--cmm.tls.certificate=" + tls.certificate,
          "--cmm.tls.key=" + tls.key, "--cmm.tls.ca-file=" + tls.ca_file};
}

} // namespace

TEST_CASE("cmm-ctl runs a session over TLS with --cmm.tls.* flags",
          "[ctl][tls]") {
  REQUIRE(have_openssl_cli());
  temp_directory dir;
  auto certs = make_test_certificates(dir);
  auto options = ctl_catalog();
  options.tls = certs.node;
  node_process node{dir, options};
  auto with_tls = [&](std::vector<std::string> args) {
    auto flags = tls_flags(certs.client);
    args.insert(args.end(), flags.begin(), flags.end());
    return run_ctl(node.operator_port(), args);
  };
  auto loaded = with_tls({"load", "alpha"});
  INFO("stderr: " << loaded.err);
  CHECK(loaded.exit_code == 0);
  auto listed = with_tls({"list", "--loaded", "--json"});
  CHECK(listed.exit_code == 0);
  auto doc = json::parse(listed.out);
  REQUIRE(doc.at("models").size() == 1);
  CHECK(doc.at("models").at(0).at("state") == "ready");
  CHECK(with_tls({"unload", "alpha"}).exit_code == 0);
  auto plain = run_ctl(node.operator_port(), {"list", "--timeout", "3s"});
  CHECK(plain.exit_code == 3);
  auto missing = run_ctl(node.operator_port(),
                         {"list", "--cmm.tls.certificate=" + dir.file("none")});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("cmm.tls.certificate") != std::string::npos);
}
