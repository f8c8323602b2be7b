#pragma once

// The model manager as a scenario uses it: started with a backend of the
// scenario's choosing, reached from actors through its supervisor and from
// threads through a blocking client, and stopped at the end of the scenario
// (waiting until the supervisor is gone, so scenarios do not overlap).

#include <memory>

#include <caf/fwd.hpp>

#include "cmm/blocking_client.hpp"
#include "cmm/model_manager.hpp"
#include "load_target.hpp"

namespace cmm::bench {

/// The config every scenario starts from: models load to `target` (by
/// default the CPU in fp32, the generated files' precision, so no cast is
/// measured) and warnings only.
manager_config bench_manager_config(const load_target& target = {});

/// Unloads `path`, which no lease holds; throws when the manager refuses.
void unload_unused(blocking_client& client, const std::string& path);

class manager_under_test {
public:
  manager_under_test(caf::actor_system& sys, manager_config cfg,
                     backend_ptr model_backend);

  manager_under_test(const manager_under_test&) = delete;
  manager_under_test& operator=(const manager_under_test&) = delete;

  ~manager_under_test();

  const supervisor_actor& supervisor() const noexcept;

  blocking_client& client() noexcept { return *client_; }

private:
  caf::actor_system& sys_;
  std::unique_ptr<model_manager> manager_;
  std::unique_ptr<blocking_client> client_;
};

} // namespace cmm::bench
