#pragma once

// The test process's side of a connection: an actor system with the
// project's types, the io middleman, the same short heartbeat and
// connection timeouts as the nodes, and TLS when asked for.

#include <cstdint>
#include <memory>

#include <caf/actor_system.hpp>

#include "cmm/config.hpp"
#include "cmm/remote.hpp"

namespace cmm::test {

class client_system {
public:
  /// How this client speaks to nodes.
  enum class transport {
    /// TCP without TLS.
    plain,
    /// TLS with the certificate in the settings given.
    tls,
    /// CAF's OpenSSL module without any certificate (anonymous TLS).
    anonymous_tls,
  };

  explicit client_system(transport mode = transport::plain,
                         const tls_settings& tls = {});

  client_system(const client_system&) = delete;
  client_system& operator=(const client_system&) = delete;

  caf::actor_system& sys() noexcept { return *sys_; }

  /// Connects to the node's client endpoint on 127.0.0.1:`port` (see
  /// `connect_to_node`).
  caf::expected<client_actor> connect(uint16_t port);

  /// Connects to the node's operator endpoint on 127.0.0.1:`port`.
  caf::expected<operator_actor> connect_operator(uint16_t port);

  /// Connects to a cluster node's cluster endpoint on 127.0.0.1:`port`.
  caf::expected<cluster_router_actor> connect_peer(uint16_t port);

private:
  manager_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
};

} // namespace cmm::test
