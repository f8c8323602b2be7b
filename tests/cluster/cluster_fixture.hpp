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
  /// sees both others.
  explicit cluster_fixture(std::array<uint64_t, size> cpu_budgets = {
                               10000, 10000, 10000});

  /// The front door (the router) of node `i`, for clients.
  const supervisor_actor& node(size_t i) const { return routers_[i]; }

  /// Node `i`'s local supervisor: what it holds itself.
  supervisor_actor local(size_t i);

  /// The index of the node whose local supervisor has `id` ready; -1 if
  /// none.
  int holder_of(const std::string& id);

  /// Kills node `i` with SIGKILL.
  void kill(size_t i);

  temp_directory dir;
  client_system client;

private:
  std::vector<uint16_t> ports_;
  std::vector<std::unique_ptr<node_process>> nodes_;
  std::vector<supervisor_actor> routers_;
};

} // namespace cmm::test
