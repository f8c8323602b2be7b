#pragma once

// A `cmm-node` process on 127.0.0.1 with an ephemeral port, serving a
// catalog of simulated models that the test writes as an INI file. The
// destructor stops it (SIGTERM: the node drains and exits) and reaps it.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../temp_directory.hpp"
#include "child_process.hpp"

namespace cmm::test {

struct node_catalog {
  /// `[cmm.models]` lines: id and `PATH,TYPE[,DEVICE[,DTYPE]]`.
  std::vector<std::pair<std::string, std::string>> models;
  /// `cmm.budgets` entries, e.g. `sim:0=100MB`.
  std::vector<std::string> budgets;
};

class node_process {
public:
  /// Starts the node and waits until it prints where it listens; throws
  /// `std::runtime_error` with the node's output when it does not.
  node_process(const temp_directory& dir, const node_catalog& catalog);

  uint16_t port() const noexcept { return port_; }

  child_process& process() noexcept { return *process_; }

private:
  uint16_t port_ = 0;
  std::unique_ptr<child_process> process_;
};

} // namespace cmm::test
