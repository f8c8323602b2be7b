#pragma once

#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/manager_config.hpp"

namespace cmm {

/// Who a node is in its cluster and whom it joins.
struct cluster_config {
  /// This node's address as its peers name it, `host:port`.
  std::string name;
  /// The other nodes, `host:port` each.
  std::vector<std::string> peers;
  /// How often a node retries a peer it cannot reach.
  caf::timespan reconnect_interval = std::chrono::milliseconds{500};
  /// Limit for requests between nodes.
  caf::timespan request_timeout = std::chrono::seconds{30};
};

/// Spawns a node's cluster router in front of its local supervisor. The
/// router accepts an acquire for any catalog id: it asks the model's
/// coordinator (rendezvous hashing over the live nodes) where the model
/// lives, and the coordinator answers with the node that has it, or places
/// it on the node with the most free budget on the model's device. One
/// coordinator per model means concurrent acquires on different nodes still
/// cause one load. Failed loads of missing or corrupt files are reported to
/// the coordinator, which refuses the model everywhere while the record
/// holds. Peers are monitored: a dead node's placements are forgotten, so
/// the next acquire places its models elsewhere. Everything but acquire and
/// preload by catalog id goes to the local supervisor.
cluster_router_actor spawn_cluster_router(caf::actor_system& sys,
                                          supervisor_actor local,
                                          manager_config cfg,
                                          cluster_config cluster);

} // namespace cmm
