#pragma once

// One node serving the remote tests' catalog, and a client system in this
// process connected to it. The catalog: simulated echo models in fp32, bf16
// and fp16 (they return float inputs unchanged when the dtypes match),
// `slow`, a simulated model that takes 3 s to load, `slowrun`, one that takes
// 4 s per inference, and `tiny`, a small real
// TorchScript model generated into the temp directory.

#include <memory>
#include <string>
#include <vector>

#include "../temp_directory.hpp"
#include "cmm/actor_types.hpp"
#include "cmm/model_generator.hpp"
#include "support/client_system.hpp"
#include "support/node_process.hpp"

namespace cmm::test {

/// The catalog every remote test node serves, with `tiny` at `tiny_path`.
node_options remote_catalog(const std::string& tiny_path);

struct remote_fixture {
  remote_fixture();

  /// The command line of a cmm-remote-client process on `model` at this
  /// node's client endpoint, doing what `mode` says (`--client.hold`,
  /// `--client.run`).
  std::vector<std::string> client_command(const std::string& model,
                                          const std::string& mode) const;

  temp_directory dir;
  model_blueprint blueprint;
  std::unique_ptr<node_process> node;
  client_system client;
  /// The node's client endpoint.
  client_actor endpoint;
  /// The node's operator endpoint.
  operator_actor operators;
};

/// Checks that another client can still acquire a model on the fixture's
/// node, see its reference, and release it.
void check_node_serves(remote_fixture& f);

} // namespace cmm::test
