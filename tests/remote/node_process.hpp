#pragma once

// A `cmm-node` process on 127.0.0.1 with an ephemeral port, serving a
// catalog the test writes as an INI file. Short heartbeat and connection
// timeouts, so a dead peer is noticed within about a second.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../temp_directory.hpp"
#include "child_process.hpp"
#include "cmm/remote.hpp"

namespace cmm::test {

struct node_options {
  /// Catalog lines: id and `PATH,TYPE[,DEVICE[,DTYPE]]`.
  std::vector<std::pair<std::string, std::string>> models;
  std::string heartbeat_interval = "200ms";
  std::string connection_timeout = "1s";
  std::string drain_timeout = "5s";
  /// Enabled: the node requires TLS with peer verification.
  tls_settings tls;
  /// 0: any free port.
  uint16_t port = 0;
  /// INI lines appended to the node's config (e.g. a `[cluster]` group).
  std::vector<std::string> extra_config;
};

class node_process {
public:
  /// Starts the node and waits until it listens; throws
  /// `std::runtime_error` with the node's output when it does not.
  node_process(const temp_directory& dir, const node_options& options,
               const std::string& name = "node");

  uint16_t port() const noexcept { return port_; }

  child_process& process() noexcept { return *process_; }

private:
  uint16_t port_ = 0;
  std::unique_ptr<child_process> process_;
};

} // namespace cmm::test
