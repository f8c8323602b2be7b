#include "cluster_fixture.hpp"

#include <chrono>
#include <csignal>
#include <stdexcept>

#include <caf/actor_cast.hpp>
#include <caf/scoped_actor.hpp>

namespace cmm::test {

namespace {

using namespace std::chrono_literals;

/// Where the nodes other than `self` take cluster traffic, as a
/// `[cluster]` INI line.
std::string peer_list(const std::vector<uint16_t>& ports, size_t self) {
  std::vector<std::string> peers;
  for (size_t i = 0; i < ports.size(); ++i)
    if (i != self)
      peers.push_back("127.0.0.1:" + std::to_string(ports[i]));
  return "peers=" + ini_list(peers);
}

client_system::transport transport_for(const tls_settings& tls) {
  return tls.enabled() ? client_system::transport::tls
                       : client_system::transport::plain;
}

} // namespace

cluster_fixture::cluster_fixture(std::array<uint64_t, size> cpu_budgets,
                                 const tls_settings& node_tls,
                                 const tls_settings& client_tls)
    : client{transport_for(node_tls), client_tls},
      operator_side_{transport_for(node_tls), client_tls},
      peer_side_{transport_for(node_tls), client_tls} {
  for (size_t i = 0; i < size; ++i)
    cluster_ports_.push_back(unused_port());
  for (size_t i = 0; i < size; ++i) {
    node_options options;
    options.models = {
        {"shared", "sim://shared?bytes=100,base"},
        {"slow", "sim://slow?bytes=100&load_ms=300,base"},
        {"placed", "sim://placed?bytes=100,base"},
        {"broken", "sim://broken?bytes=100&fail=corrupt,base"},
        {"kept", "sim://kept?bytes=100,base"},
    };
    options.budgets = {"cpu=" + std::to_string(cpu_budgets[i])};
    options.tls = node_tls;
    options.extra_config = {"[cluster]",
                            "port=" + std::to_string(cluster_ports_[i]),
                            peer_list(cluster_ports_, i)};
    nodes_.push_back(std::make_unique<node_process>(
        dir, options, "node" + std::to_string(i)));
  }
  for (size_t i = 0; i < size; ++i) {
    auto endpoint = client.connect(nodes_[i]->port());
    auto node_operator =
        operator_side_.connect_operator(nodes_[i]->operator_port());
    auto router = peer_side_.connect_peer(cluster_ports_[i]);
    auto& sys = client.sys();
    if (!endpoint || !node_operator || !router)
      throw std::runtime_error(
          "cannot connect to node " + std::to_string(i) + ": " +
          sys.render(!endpoint        ? endpoint.error()
                     : !node_operator ? node_operator.error()
                                      : router.error()));
    clients_.push_back(*endpoint);
    operators_.push_back(*node_operator);
    peers_.push_back(*router);
  }
  // Wait until every node sees both others (bounded).
  caf::scoped_actor self{peer_side_.sys()};
  auto deadline = std::chrono::steady_clock::now() + 20s;
  for (size_t i = 0; i < size; ++i) {
    size_t seen = 0;
    while (seen < size - 1 && std::chrono::steady_clock::now() < deadline) {
      self->request(peers_[i], 5s, peers_atom_v)
          .receive(
              [&](const std::vector<std::string>& peers) {
                seen = peers.size();
              },
              [](const caf::error&) {});
    }
    if (seen < size - 1)
      throw std::runtime_error("node " + std::to_string(i) +
                               " did not see its peers");
  }
}

int cluster_fixture::holder_of(const std::string& id) {
  caf::scoped_actor self{operator_sys()};
  for (size_t i = 0; i < size; ++i) {
    if (!nodes_[i])
      continue;
    bool ready = false;
    self->request(local(i), 5s, is_loaded_atom_v, id)
        .receive([&](bool x) { ready = x; }, [](const caf::error&) {});
    if (ready)
      return static_cast<int>(i);
  }
  return -1;
}

std::string cluster_fixture::output_of(size_t i) const {
  return nodes_[i]->process().out();
}

void cluster_fixture::kill(size_t i) {
  nodes_[i]->process().signal(SIGKILL);
  nodes_[i].reset();
}

} // namespace cmm::test
