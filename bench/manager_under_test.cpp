#include "manager_under_test.hpp"

#include <stdexcept>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/system_messages.hpp>

#include "scenario.hpp"

namespace cmm::bench {

manager_config bench_manager_config(const load_target& target) {
  manager_config cfg;
  cfg.default_device = to_string(target.where);
  cfg.dtype = to_string(target.precision);
  cfg.log_level = "warn";
  return cfg;
}

void unload_unused(blocking_client& client, const std::string& path) {
  if (!client.unload_model(path))
    throw std::runtime_error("the manager refused to unload " + path);
}

manager_under_test::manager_under_test(caf::actor_system& sys,
                                       manager_config cfg,
                                       backend_ptr model_backend)
    : sys_(sys) {
  manager_ = std::make_unique<model_manager>(sys, std::move(cfg),
                                             std::move(model_backend));
  client_ = std::make_unique<blocking_client>(sys, manager_->supervisor(),
                                              request_timeout);
}

manager_under_test::~manager_under_test() {
  client_.reset();
  caf::scoped_actor self{sys_};
  self->monitor(manager_->supervisor());
  manager_.reset();
  self->receive([](caf::down_msg&) {},
                caf::after(std::chrono::seconds{10}) >> [] {});
}

const supervisor_actor& manager_under_test::supervisor() const noexcept {
  return manager_->supervisor();
}

} // namespace cmm::bench
