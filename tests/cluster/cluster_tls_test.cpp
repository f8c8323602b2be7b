// A cluster with no plain-text link: every node presents a certificate from
// the cluster's CA, joins its peers over TLS and serves TLS clients only.

#include <catch2/catch.hpp>

#include <chrono>

#include "cluster_fixture.hpp"
#include "cmm/blocking_client.hpp"
#include "support/test_certificates.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

test::test_certificates certificates_in(const test::temp_directory& dir) {
  REQUIRE(test::have_openssl_cli());
  return test::make_test_certificates(dir);
}

} // namespace

TEST_CASE("a cluster runs over TLS: acquires on any node reach the one "
          "holding the model, and clients coming and going, refused or "
          "not, leave the peer links up",
          "[cluster][tls]") {
  test::temp_directory certs_dir;
  auto certs = certificates_in(certs_dir);
  // The fixture waits until every node sees both others: over TLS only.
  test::cluster_fixture cluster{
      {10000, 10000, 10000}, certs.node, certs.client};
  auto& sys = cluster.client.sys();
  std::vector<std::unique_ptr<blocking_client>> clients;
  for (size_t i = 0; i < test::cluster_fixture::size; ++i)
    clients.push_back(
        std::make_unique<blocking_client>(sys, cluster.node(i), 10s));
  auto use_everywhere = [&] {
    std::vector<scoped_lease> leases;
    for (auto& client : clients)
      leases.push_back(client->acquire(model_spec::by_id("shared")));
    auto holder = cluster.holder_of("shared");
    REQUIRE(holder >= 0);
    blocking_client node_operator{cluster.operator_sys(), cluster.local(holder),
                                  10s};
    CHECK(node_operator.get_model_info("shared")->refs == 3);
    for (auto& held : leases)
      clients.front()->release_model(held);
    CHECK(node_operator.get_model_info("shared")->refs == 0);
  };
  use_everywhere();
  for (size_t i = 0; i < test::cluster_fixture::size; ++i) {
    INFO("node " << i);
    {
      // An operator session that ends, as each cmm-ctl call does.
      test::client_system session{test::client_system::transport::tls,
                                  certs.client};
      auto node_operator = session.connect_operator(cluster.operator_port(i));
      REQUIRE(node_operator);
      blocking_client ctl{session.sys(), *node_operator, 10s};
      CHECK(ctl.get_cached_models().size() <= 5);
    }
    test::client_system plain{test::client_system::transport::plain};
    CHECK_FALSE(plain.connect(cluster.port(i)));
    CHECK_FALSE(plain.connect_peer(cluster.cluster_port(i)));
    test::client_system rogue{test::client_system::transport::tls, certs.rogue};
    CHECK_FALSE(rogue.connect_peer(cluster.cluster_port(i)));
  }
  use_everywhere();
  for (size_t i = 0; i < test::cluster_fixture::size; ++i) {
    INFO(cluster.output_of(i));
    CHECK(cluster.output_of(i).find("is gone") == std::string::npos);
  }
}
