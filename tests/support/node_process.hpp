#pragma once

// A `cmm-node` process on 127.0.0.1, by default with an ephemeral port,
// serving a catalog the test writes as an INI file. By default with short
// heartbeat and connection timeouts, so a dead peer is noticed within about
// a second. The destructor stops it (SIGTERM: the node drains and exits)
// and reaps it.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../temp_directory.hpp"
#include "child_process.hpp"
#include "cmm/remote.hpp"

namespace cmm::test {

/// The node's configuration. A text setting left empty is not written, so
/// the node (or CAF) uses its own default.
struct node_options {
  /// `[cmm.models]` lines: id and `PATH,TYPE[,DEVICE[,DTYPE]]`.
  std::vector<std::pair<std::string, std::string>> models;
  /// `cmm.budgets` entries, e.g. `sim:0=100MB`.
  std::vector<std::string> budgets;
  std::string idle_timeout = "60s";
  /// The default model precision.
  std::string dtype = "fp32";
  std::string log_level = "warn";
  /// `cmm.max-request-bytes`, e.g. `1MiB`; empty: the node's default.
  std::string max_request_bytes;
  /// The middleman's; the client side must send heartbeats as often when
  /// its connections are to outlive `connection_timeout`.
  std::string heartbeat_interval = "200ms";
  std::string connection_timeout = "1s";
  std::string drain_timeout = "5s";
  /// Enabled: the node requires TLS with peer verification.
  tls_settings tls;
  /// 0: any free port.
  uint16_t port = 0;
  /// Opens both HTTP sides on ephemeral ports.
  bool http = false;
  /// INI lines appended to the node's config (e.g. a `[cluster]` group).
  std::vector<std::string> extra_config;
};

class node_process {
public:
  /// Writes `NAME.ini` into `dir`, starts the node and waits until it
  /// prints where it listens; throws `std::runtime_error` with the node's
  /// output when it does not.
  node_process(const temp_directory& dir, const node_options& options,
               const std::string& name = "node");

  /// The client endpoint's port.
  uint16_t port() const noexcept { return port_; }

  /// The operator endpoint's port.
  uint16_t operator_port() const noexcept { return operator_port_; }

  /// The HTTP sides' ports, with `node_options::http`.
  uint16_t http_port() const noexcept { return http_port_; }
  uint16_t http_operator_port() const noexcept { return http_operator_port_; }

  /// The node's process; its stdout and stderr together are `out()`.
  child_process& process() noexcept { return *process_; }

private:
  uint16_t port_ = 0;
  uint16_t operator_port_ = 0;
  uint16_t http_port_ = 0;
  uint16_t http_operator_port_ = 0;
  std::unique_ptr<child_process> process_;
};

/// `xs` as an INI list of strings: `["a", "b"]`.
std::string ini_list(const std::vector<std::string>& xs);

/// A port on 127.0.0.1 that nothing listens on right now (the kernel's pick
/// for port 0, bound and closed again).
uint16_t unused_port();

} // namespace cmm::test
