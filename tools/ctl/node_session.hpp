#pragma once

// A connection to one cmm-node's operator endpoint: an actor system with the
// middleman (and CAF's OpenSSL module when TLS settings are given), the
// endpoint as a remote typed handle, and a blocking client on it.
// The members are declared so that the client and the handle go before the
// actor system: CAF 0.17 waits in the system's destructor for every actor
// still referenced.

#include <atomic>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "ctl_options.hpp"

namespace cmm::ctl {

class node_session {
public:
  /// Connects to the node at `opts.host:opts.port` within `opts.timeout`.
  /// Throws `ctl_error` (`unreachable`) when the node refuses or is not a
  /// cmm-node's operator endpoint, and (`usage`) for unusable TLS settings. If
  /// connecting times out, the middleman may be stuck in a blocking connect
  /// that the actor system's shutdown would wait for: the process then prints
  /// the error line and ends at once (`std::_Exit`).
  explicit node_session(const ctl_options& opts);

  node_session(const node_session&) = delete;
  node_session& operator=(const node_session&) = delete;

  ~node_session();

  blocking_client& client() { return *client_; }

  const operator_actor& endpoint() const { return endpoint_; }

  caf::actor_system& system() { return sys_; }

  /// `HOST:PORT`, as the operator gave it.
  const std::string& address() const { return address_; }

  /// Whether the connection to the node has closed. CAF 0.17 drops
  /// messages to a node it lost without answering them, so verbs that keep
  /// talking (`watch`, `hold`) ask this instead of waiting for a timeout.
  bool lost() const { return *lost_; }

  /// Throws `manager_error` (`manager_unavailable`) once `lost()`.
  void check_connected() const;

private:
  class session_config : public manager_system_config {
  public:
    explicit session_config(const tls_settings& tls);
  };

  operator_actor connect(const ctl_options& opts);

  std::string address_;
  std::shared_ptr<std::atomic<bool>> lost_;
  session_config cfg_;
  caf::actor_system sys_;
  operator_actor endpoint_;
  std::unique_ptr<blocking_client> client_;
};

} // namespace cmm::ctl
