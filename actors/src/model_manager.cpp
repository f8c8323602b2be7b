#include "cmm/model_manager.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "cmm/log.hpp"
#include "cmm/supervisor.hpp"

namespace cmm {

namespace {

caf::atom_value registry_key() {
  return caf::atom("cmm.sup");
}

} // namespace

model_manager::model_manager(caf::actor_system& sys, manager_config cfg,
                             backend_ptr model_backend)
    : sys_(sys), metrics_(std::make_shared<manager_metrics>()) {
  if (!cfg.log_level.empty())
    set_log_level(cfg.log_level);
  supervisor_ =
      spawn_supervisor(sys, std::move(cfg), std::move(model_backend), metrics_);
  sys.registry().put(registry_key(), supervisor_);
}

model_manager::~model_manager() {
  sys_.registry().erase(registry_key());
  caf::anon_send_exit(supervisor_, caf::exit_reason::user_shutdown);
}

supervisor_actor find_supervisor(caf::actor_system& sys) {
  return caf::actor_cast<supervisor_actor>(sys.registry().get(registry_key()));
}

} // namespace cmm
