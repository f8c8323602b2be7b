#pragma once

// What the CUDA tests share. They run real TorchScript models on `cuda:0`
// through the whole manager (supervisor, detached model actors, libtorch's
// caching allocator). Where no GPU is visible, or the libtorch found has no
// CUDA, each test says so with a line that starts with `SKIPPED:` and
// returns; ctest reports such a test as skipped, never as passed.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor_system.hpp>

#include "../temp_directory.hpp"
#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "cmm/cuda_memory.hpp"
#include "cmm/manager_config.hpp"
#include "cmm/model_generator.hpp"
#include "cmm/model_manager.hpp"

namespace cmm::test {

/// Why the CUDA tests cannot run in this process; none where they can.
std::optional<std::string> cuda_skip_reason();

/// Returns from the test case, reported as skipped, where no GPU is usable.
#define CMM_REQUIRE_CUDA()                                                     \
  if (auto cmm_skip = ::cmm::test::cuda_skip_reason()) {                       \
    WARN("SKIPPED: " << *cmm_skip);                                            \
    return;                                                                    \
  }

/// Appends one figure to the file `CMM_GPU_FIGURES` names, for the GPU
/// report (`tools/gpu/check.sh`); does nothing where it is unset.
void record_figure(const std::string& name, double value,
                   const std::string& unit);

/// Memory figures of `cuda:0`; fails the test where they cannot be read.
cuda_memory_stats cuda0();

/// Reads `cuda:0` until `done` holds or `limit` passes; returns the last
/// reading and how long it took.
struct memory_wait {
  cuda_memory_stats stats;
  std::chrono::microseconds waited{0};
  bool reached = false;
};

memory_wait
wait_for_memory(const std::function<bool(const cuda_memory_stats&)>& done,
                std::chrono::milliseconds limit);

/// Polls model info until `done` holds or `limit` passes.
bool wait_for_info(blocking_client& client, const std::string& name,
                   const std::function<bool(const model_info&)>& done,
                   std::chrono::milliseconds limit);

/// A manager over real TorchScript files with detached model actors, the
/// files written into a directory of its own.
class cuda_manager {
public:
  explicit cuda_manager(manager_config cfg);

  blocking_client& client() { return *client_; }

private:
  manager_system_config sys_cfg_;
  caf::actor_system sys_;
  // Destroyed in reverse: the client before the manager before the system.
  std::unique_ptr<model_manager> manager_;
  std::unique_ptr<blocking_client> client_;
};

/// `bytes` as MB for messages and figures.
double megabytes(uint64_t bytes);

} // namespace cmm::test
