#pragma once

// Reaching a model manager in another process: publishing a node's
// endpoints (gates, see gate.hpp, and the cluster router) and connecting to
// them, over plain TCP (CAF's io middleman) or TLS (CAF's OpenSSL module),
// whichever the actor system was configured for. The node refuses model
// paths from remote callers and returns a remote holder's leases when CAF
// notices that its connection is gone (set
// `middleman.heartbeat-interval` and `middleman.connection-timeout`: CAF
// 0.17 leaves both off). Nothing here retries or reconnects.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/io/fwd.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/timespan.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/failure.hpp"
#include "cmm/result.hpp"

namespace cmm {

/// A process's TLS material. All empty: plain TCP. Otherwise certificate,
/// key and CA file are all required, and both ends verify each other: a
/// peer must present a certificate that chains to `ca_file`. Host names are
/// not checked (CAF 0.17 does not).
struct tls_settings {
  /// PEM certificate (chain) this process presents.
  std::string certificate;
  /// PEM private key of `certificate`.
  std::string key;
  /// PEM bundle of the CAs a peer's certificate must chain to.
  std::string ca_file;
  /// Decrypts `key`; empty for an unencrypted key.
  std::string passphrase;

  bool enabled() const {
    return !certificate.empty() || !key.empty() || !ca_file.empty() ||
           !passphrase.empty();
  }
};

/// Declares `cmm.tls.certificate`, `cmm.tls.key`, `cmm.tls.ca-file` and
/// `cmm.tls.passphrase` (INI group `[cmm.tls]`, flags
/// `--cmm.tls.certificate=FILE`, ...).
void declare_tls_options(caf::config_option_set& opts);

/// Reads the `cmm.tls.*` options back after parsing; an error names the
/// missing or unreadable file.
result<tls_settings> read_tls_settings(const caf::actor_system_config& cfg);

/// Refuses enabled settings with a missing or unreadable file, naming the
/// `cmm.tls.*` setting.
std::optional<failure> check_tls_settings(const tls_settings& tls);

/// Before the actor system starts: hands enabled settings to CAF's OpenSSL
/// module and loads it; does nothing for disabled ones. The io middleman
/// must be loaded already. Fails with `invalid_spec` when TLS is asked for
/// but this build has no OpenSSL module.
std::optional<failure> enable_tls(caf::actor_system_config& cfg,
                                  const tls_settings& tls);

/// Whether this build has CAF's OpenSSL module.
bool tls_available();

/// Whether `sys` runs CAF's OpenSSL module: its connections then use TLS.
bool uses_tls(const caf::actor_system& sys);

/// The middleman actor that opens connections: the OpenSSL module's when
/// `sys` runs it, else the plain one.
caf::io::middleman_actor node_connector(caf::actor_system& sys);

/// Publishes a node's endpoint, a gate or its cluster router, on
/// `bind:port` (port 0: any free one), with TLS when `sys` uses it. Returns
/// the bound port.
caf::expected<uint16_t> publish_endpoint(caf::actor_system& sys,
                                         const client_actor& gate,
                                         const std::string& bind,
                                         uint16_t port);

caf::expected<uint16_t> publish_endpoint(caf::actor_system& sys,
                                         const operator_actor& gate,
                                         const std::string& bind,
                                         uint16_t port);

caf::expected<uint16_t> publish_endpoint(caf::actor_system& sys,
                                         const cluster_router_actor& router,
                                         const std::string& bind,
                                         uint16_t port);

/// Connects to the client endpoint a node publishes on `host:port` (an
/// operator endpoint serves as one too), with TLS when `sys` uses it. Fails
/// with CAF's error when the peer is unreachable, refuses the handshake,
/// publishes something else, or has not answered within `timeout` (CAF's
/// own `remote_actor` would wait forever).
caf::expected<client_actor>
connect_to_node(caf::actor_system& sys, const std::string& host, uint16_t port,
                caf::timespan timeout = std::chrono::seconds{10});

/// Connects to a node's operator endpoint; as `connect_to_node`, and a
/// client endpoint is refused (`unexpected_actor_messaging_interface`).
caf::expected<operator_actor>
connect_as_operator(caf::actor_system& sys, const std::string& host,
                    uint16_t port,
                    caf::timespan timeout = std::chrono::seconds{10});

/// Connects to a cluster node's cluster endpoint, as its peers do; for
/// tools and tests that watch a cluster from inside it.
caf::expected<cluster_router_actor>
connect_as_peer(caf::actor_system& sys, const std::string& host, uint16_t port,
                caf::timespan timeout = std::chrono::seconds{10});

} // namespace cmm
