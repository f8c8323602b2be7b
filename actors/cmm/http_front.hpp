#pragma once

// cmm-node's HTTP front door: Prometheus metrics, health probes and the
// KServe v2 REST protocol (see v2_protocol.hpp), served by cpp-httplib on
// threads of its own. It reaches the manager only through a gate, like any
// remote client: the client front through the client gate, the operator
// front (which adds the repository extension) through the operator gate.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/manager_metrics.hpp"
#include "cmm/remote.hpp"
#include "cmm/result.hpp"
#include "cmm/v2_protocol.hpp"

namespace cmm {

class blocking_client;

struct http_settings {
  std::string bind = "127.0.0.1";
  /// 0: any free port.
  uint16_t port = 0;
  /// TLS with this certificate and key when set (`cmm.tls.*`).
  tls_settings tls;
  v2::request_bounds bounds;
  /// How long one request may take: reading it, waiting for its model,
  /// running it.
  caf::timespan request_timeout = std::chrono::seconds{60};
  /// The server version `GET /v2` reports.
  std::string version;
};

/// What the node tells the fronts about itself.
struct node_status {
  /// Set once the node drains: it takes no new acquires.
  std::atomic<bool> draining{false};
};

class http_front {
public:
  /// Starts serving the client side: health, metrics, metadata, inference.
  static result<std::unique_ptr<http_front>> start_client(
      caf::actor_system& sys, client_actor gate, manager_metrics_ptr metrics,
      std::shared_ptr<const node_status> status, http_settings settings);

  /// Starts serving the operator side: the client side plus the repository
  /// extension (index, load, unload).
  static result<std::unique_ptr<http_front>> start_operator(
      caf::actor_system& sys, operator_actor gate, manager_metrics_ptr metrics,
      std::shared_ptr<const node_status> status, http_settings settings);

  /// Stops listening and waits for the requests in flight.
  ~http_front();

  uint16_t port() const noexcept;

  struct impl;

private:
  explicit http_front(std::unique_ptr<impl> ptr);

  /// Binds, installs the routes and starts listening.
  static result<std::unique_ptr<http_front>>
  launch(std::unique_ptr<blocking_client> manager, manager_metrics_ptr metrics,
         std::shared_ptr<const node_status> status, http_settings settings,
         bool operator_side);

  std::unique_ptr<impl> impl_;
};

} // namespace cmm
