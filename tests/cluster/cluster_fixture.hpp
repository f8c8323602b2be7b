#pragma once

// Three `cmm-node` processes on 127.0.0.1 forming a cluster, and a client
// system in this process connected to each. Each node gets its own CPU
// budget, so placement by free budget is predictable.

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "../temp_directory.hpp"
#include "cmm/actor_types.hpp"
#include "support/client_system.hpp"
#include "support/node_process.hpp"

namespace cmm::test {

class cluster_fixture {
public:
  static constexpr size_t size = 3;

  /// Starts the nodes with these CPU budgets and waits until every node
  /// sees both others. With `node_tls` enabled, every node presents it and
  /// requires TLS of its peers and clients, and this process's clients
  /// present `client_tls`.
  explicit cluster_fixture(
      std::array<uint64_t, size> cpu_budgets = {10000, 10000, 10000},
      const tls_settings& node_tls = {}, const tls_settings& client_tls = {});

  /// The client endpoint of node `i` (its gate in front of the router).
  const client_actor& node(size_t i) const { return clients_[i]; }

  /// The operator endpoint of node `i`: list and info there describe what
  /// the node holds itself. Reached from `operator_sys()`.
  const operator_actor& local(size_t i) const { return operators_[i]; }

  /// The actor system that holds the operator endpoints: a process of its
  /// own to CAF, so no node sees two connections from one peer.
  caf::actor_system& operator_sys() { return operator_side_.sys(); }

  /// The index of the node whose local supervisor has `id` ready; -1 if
  /// none.
  int holder_of(const std::string& id);

  /// Kills node `i` with SIGKILL.
  void kill(size_t i);

  /// The output of node `i` so far.
  std::string output_of(size_t i) const;

  /// The cluster endpoint's port of node `i`.
  uint16_t cluster_port(size_t i) const { return cluster_ports_[i]; }

  /// The client and operator endpoints' ports of node `i`.
  uint16_t port(size_t i) const { return nodes_[i]->port(); }
  uint16_t operator_port(size_t i) const { return nodes_[i]->operator_port(); }

  temp_directory dir;
  client_system client;

private:
  client_system operator_side_;
  client_system peer_side_;
  std::vector<uint16_t> cluster_ports_;
  std::vector<std::unique_ptr<node_process>> nodes_;
  std::vector<client_actor> clients_;
  std::vector<operator_actor> operators_;
  std::vector<cluster_router_actor> peers_;
};

} // namespace cmm::test
