#include <catch2/catch.hpp>

#include <chrono>
#include <set>

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "cluster_fixture.hpp"
#include "cmm/blocking_client.hpp"
#include "cmm/error.hpp"

using namespace cmm;
using cmm::test::cluster_fixture;
using namespace std::chrono_literals;

namespace {

model_info info_on(caf::actor_system& sys, const operator_actor& sup,
                   const std::string& id) {
  blocking_client client{sys, sup, 10s};
  return client.get_model_info(id).value();
}

} // namespace

TEST_CASE("acquires on any node reach the one holding the model", "[cluster]") {
  cluster_fixture cluster;
  auto& sys = cluster.client.sys();
  std::vector<std::unique_ptr<blocking_client>> clients;
  std::vector<scoped_lease> leases;
  std::set<inference_actor> instances;
  for (size_t i = 0; i < cluster_fixture::size; ++i) {
    clients.push_back(
        std::make_unique<blocking_client>(sys, cluster.node(i), 10s));
    leases.push_back(clients.back()->acquire(model_spec::by_id("shared")));
    instances.insert(leases.back().model());
  }
  CHECK(instances.size() == 1);
  auto holder = cluster.holder_of("shared");
  REQUIRE(holder >= 0);
  CHECK(info_on(cluster.operator_sys(), cluster.local(holder), "shared").refs ==
        3);
  for (size_t i = 0; i < cluster_fixture::size; ++i)
    if (static_cast<int>(i) != holder)
      CHECK(info_on(cluster.operator_sys(), cluster.local(i), "shared").state ==
            "absent");
  // Leases go back to the node that granted them, whichever node was asked.
  for (size_t i = 0; i < leases.size(); ++i)
    clients[i]->release_model(leases[i]);
  CHECK(info_on(cluster.operator_sys(), cluster.local(holder), "shared").refs ==
        0);
}

TEST_CASE("a new model goes to the node with the most free budget",
          "[cluster]") {
  cluster_fixture cluster{{1000, 5000, 3000}};
  blocking_client client{cluster.client.sys(), cluster.node(0), 10s};
  auto held = client.acquire(model_spec::by_id("placed"));
  CHECK(cluster.holder_of("placed") == 1);
}

TEST_CASE("concurrent acquires on every node cause one load", "[cluster]") {
  cluster_fixture cluster;
  auto& sys = cluster.client.sys();
  caf::scoped_actor self{sys};
  constexpr int per_node = 10;
  std::vector<client_actor> nodes;
  for (size_t i = 0; i < cluster_fixture::size; ++i)
    nodes.push_back(cluster.node(i));
  // One actor fires every acquire before any answer arrives.
  auto burst = [](caf::event_based_actor* burst_self,
                  std::vector<client_actor> targets,
                  caf::actor report) -> caf::behavior {
    for (auto& target : targets)
      for (int j = 0; j < per_node; ++j)
        burst_self
            ->request(target, 31s, acquire_atom_v, model_spec::by_id("slow"),
                      caf::actor{}, caf::timespan{30s})
            .then([=](const lease&) { burst_self->send(report, true); },
                  [=](const caf::error&) { burst_self->send(report, false); });
    // Stays alive, holding its leases, until the test ends it.
    return {[](caf::ok_atom) {}};
  };
  auto holder_actor = sys.spawn(burst, nodes, caf::actor{self});
  int failures = 0;
  for (size_t i = 0; i < cluster_fixture::size * per_node; ++i)
    self->receive([&](bool ok) { failures += ok ? 0 : 1; },
                  caf::after(30s) >> [&] { ++failures; });
  CHECK(failures == 0);
  auto holder = cluster.holder_of("slow");
  REQUIRE(holder >= 0);
  auto stats = info_on(cluster.operator_sys(), cluster.local(holder), "slow");
  CHECK(stats.load_count == 1);
  CHECK(stats.refs == cluster_fixture::size * per_node);
  for (size_t i = 0; i < cluster_fixture::size; ++i)
    if (static_cast<int>(i) != holder)
      CHECK(info_on(cluster.operator_sys(), cluster.local(i), "slow")
                .load_count == 0);
  caf::anon_send_exit(holder_actor, caf::exit_reason::user_shutdown);
}

TEST_CASE("a failed load is not retried on other nodes", "[cluster]") {
  cluster_fixture cluster;
  auto& sys = cluster.client.sys();
  for (size_t i = 0; i < cluster_fixture::size; ++i) {
    blocking_client client{sys, cluster.node(i), 10s};
    try {
      client.acquire(model_spec::by_id("broken"));
      FAIL("a corrupt model loaded");
    } catch (const manager_error& err) {
      CHECK(err.code() == errc::invalid_model_file);
    }
  }
  uint32_t loads = 0;
  for (size_t i = 0; i < cluster_fixture::size; ++i)
    loads +=
        info_on(cluster.operator_sys(), cluster.local(i), "broken").load_count;
  CHECK(loads == 1);
}

TEST_CASE("a killed node's models are placed anew and its leases fail "
          "clearly",
          "[cluster]") {
  cluster_fixture cluster;
  auto& sys = cluster.client.sys();
  blocking_client first{sys, cluster.node(0), 10s};
  auto held = first.acquire(model_spec::by_id("kept"));
  auto holder = cluster.holder_of("kept");
  REQUIRE(holder >= 0);
  auto survivor = static_cast<size_t>((holder + 1) % cluster_fixture::size);
  held.dismiss();
  cluster.kill(static_cast<size_t>(holder));
  auto killed_at = std::chrono::steady_clock::now();
  // The holder is gone: inference on its model fails with a clear error.
  try {
    first.infer(held.get(), {make_tensor_from_floats(dtype::f32, {1}, {1})});
    FAIL("inference on a dead node succeeded");
  } catch (const manager_error& err) {
    CHECK(err.code() == errc::manager_unavailable);
  }
  // Once the cluster notices, the next acquire places the model elsewhere.
  blocking_client other{sys, cluster.node(survivor), 10s};
  std::optional<scoped_lease> again;
  while (!again && std::chrono::steady_clock::now() - killed_at < 20s) {
    try {
      again.emplace(other.acquire(model_spec::by_id("kept")));
    } catch (const manager_error&) {
      // Not noticed yet.
    }
  }
  REQUIRE(again);
  auto took = std::chrono::steady_clock::now() - killed_at;
  WARN("re-placed after "
       << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
       << " ms");
  auto now_on = cluster.holder_of("kept");
  CHECK(now_on >= 0);
  CHECK(now_on != holder);
}
