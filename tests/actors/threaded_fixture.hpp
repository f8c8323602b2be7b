#pragma once

#include <memory>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "cmm/config.hpp"
#include "cmm/model_manager.hpp"
#include "cmm/sim_backend.hpp"

namespace cmm::test {

/// A real actor system (worker threads, detached model actors) with a
/// manager over the simulated backend.
class threaded_fixture {
public:
  explicit threaded_fixture(manager_config cfg)
      : sys(prepare(sys_cfg)), backend(std::make_shared<sim_backend>()),
        manager(std::make_unique<model_manager>(sys, std::move(cfg), backend)) {
    // nop
  }

  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  std::shared_ptr<sim_backend> backend;
  std::unique_ptr<model_manager> manager;

private:
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    register_types(cfg);
    return cfg;
  }
};

} // namespace cmm::test
