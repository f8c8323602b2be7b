#include "cmm/default_backend.hpp"

#include "cmm/backend_router.hpp"
#include "cmm/sim_backend.hpp"
#include "cmm/torchscript_backend.hpp"

namespace cmm {

backend_ptr make_default_backend(const manager_config& cfg) {
  auto router = std::make_shared<backend_router>(
      std::make_shared<torchscript_backend>(cfg.intra_op_threads));
  router->add("sim://", std::make_shared<sim_backend>());
  return router;
}

} // namespace cmm
