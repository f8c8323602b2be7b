#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/result.hpp>
#include <caf/typed_response_promise.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/cluster_router.hpp"
#include "cmm/failure_record.hpp"

namespace cmm {

struct cluster_router_state;

using router_pointer =
    cluster_router_actor::stateful_pointer<cluster_router_state>;

/// A node this router has connected to.
struct peer_node {
  cluster_router_actor router;
  supervisor_actor local;
};

/// Called with the node a model lives on, or why it cannot live anywhere.
using placement_callback =
    std::function<void(const std::string&, const std::optional<failure>&)>;

/// What the coordinator knows about one model.
struct placement {
  /// The node it lives on; empty until a decision is made.
  std::string node;
  /// Callers waiting for the decision in flight.
  std::vector<placement_callback> waiting;
  std::optional<failure_record> failed;
};

/// The router's state; see `spawn_cluster_router`.
struct cluster_router_state {
  router_pointer self = nullptr;
  supervisor_actor local;
  manager_config cfg;
  cluster_config cluster;
  std::map<std::string, peer_node> peers;
  /// Placements of the models this node coordinates.
  std::map<std::string, placement> placements;

  static inline const char* name = "cmm.cluster_router";

  void init(router_pointer ptr, supervisor_actor local_sup,
            manager_config config, cluster_config cluster_cfg);

  /// Routes an acquire or preload by catalog id to the node that has (or
  /// gets) the model; `send` issues the request to that node's supervisor.
  template <class T, class Send>
  caf::typed_response_promise<T> route(const std::string& id, Send send);

  /// Answers a peer's `place` request (this node coordinates `id`).
  caf::typed_response_promise<std::string> place(const std::string& id);

  /// Finds where `id` lives, asking its coordinator (maybe this node).
  void locate(const std::string& id, placement_callback then);

  void report(const std::string& id, uint8_t code, const std::string& text);

  std::vector<std::string> live_peers() const;

  void connect(const std::string& peer);

  /// Answers a joining peer's hello with this node's local supervisor.
  caf::result<caf::actor> hello(const std::string& name,
                                const caf::actor& peer_local);

  void on_peer_down(const caf::down_msg& msg);

private:
  time_point now() const;

  /// Whether this node connects to `peer`, rather than waiting for its
  /// hello: the node whose name sorts first does.
  bool initiates(const std::string& peer) const;

  void add_peer(const std::string& name, const cluster_router_actor& router,
                const caf::actor& peer_local);

  std::vector<std::string> live_nodes() const;

  /// The supervisor of `node`, local or a peer's; none if unknown or dead.
  std::optional<supervisor_actor> supervisor_of(const std::string& node) const;

  /// Decides where `id` lives as its coordinator, then calls `then`.
  void place_here(const std::string& id, placement_callback then);

  /// Asks every live node about the model and decides where it lives.
  void decide(const std::string& id);

  void settle(const std::string& id, const std::string& node,
              const std::optional<failure>& err);

  /// Tells the coordinator of `id` that loading it failed.
  void report_failure(const std::string& id, const failure& err);
};

} // namespace cmm
