#pragma once

// A fresh cmm-node per test with three simulated models, and shorthands
// for running cmm-ctl against it.

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../temp_directory.hpp"
#include "ctl_command.hpp"
#include "support/node_process.hpp"

namespace cmm::test {

/// What cmm-ctl's `--json` output parses into. `json::parse` throws on
/// anything that is not exactly one JSON document.
using json = nlohmann::json;

/// Two simulated models, and one whose first load finds a corrupt file,
/// and a budget for one of their devices, on a node
/// with its own default precision (bf16) and log level, and CAF's default
/// middleman timeouts: cmm-ctl sends a heartbeat only once a second.
inline node_options ctl_catalog() {
  node_options out;
  out.models = {{"alpha", "sim://alpha?bytes=2000000,base,sim:0"},
                {"beta", "sim://beta?bytes=3000000,base,sim:1"},
                {"mended", "sim://mended?bytes=1000&fail=corrupt&fail_times=1,"
                           "base,sim:0"}};
  out.budgets = {"sim:0=100MB"};
  out.idle_timeout = "300s";
  out.dtype.clear();
  out.log_level.clear();
  out.heartbeat_interval.clear();
  out.connection_timeout.clear();
  out.drain_timeout = "1s";
  return out;
}

struct ctl_fixture {
  temp_directory dir;
  node_process node{dir, ctl_catalog()};

  process_result ctl(const std::vector<std::string>& args) {
    return run_ctl(node.operator_port(), args);
  }

  /// Runs the verb with `--json`, requires success and parses the output.
  json ctl_json(std::vector<std::string> args) {
    args.emplace_back("--json");
    auto result = ctl(args);
    INFO("stderr: " << result.err);
    REQUIRE(result.exit_code == 0);
    REQUIRE(result.err.empty());
    return json::parse(result.out);
  }

  /// The model named `name` in `list --json`; null when not listed.
  json listed(const std::string& name) {
    auto doc = ctl_json({"list"});
    for (auto& model : doc.at("models"))
      if (model.at("name") == name)
        return model;
    return nullptr;
  }
};

} // namespace cmm::test
