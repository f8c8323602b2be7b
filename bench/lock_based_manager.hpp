#pragma once

// What a user would build instead of the actor design: a model cache behind
// a mutex, with the seed's Python API. Both baselines load through the same
// `cmm::backend` as the manager, so only the concurrency design differs.

#include <atomic>
#include <cstdint>
#include <string>

#include "cmm/backend.hpp"
#include "load_target.hpp"

namespace cmm::bench {

class lock_based_manager {
public:
  /// Loads to `target`: the CPU in fp32 unless told otherwise.
  explicit lock_based_manager(backend_ptr model_backend,
                              load_target target = {});

  virtual ~lock_based_manager();

  /// A short name for tables, e.g. `seed (coarse lock)`.
  virtual std::string name() const = 0;

  /// Returns the model, loading it on first use, and counts a reference
  /// (seed: `load_model(path, type, device=None)`). Throws
  /// `std::runtime_error` when the load fails or failed before.
  virtual loaded_model& load_model(const std::string& path,
                                   const std::string& type) = 0;

  /// Drops a reference, never below zero (seed: `release_model`).
  virtual void release_model(const std::string& path) = 0;

  /// Frees a model with no references, or any with `force` (seed:
  /// `unload_model`).
  virtual bool unload_model(const std::string& path, bool force = false) = 0;

  /// Backend loads begun so far.
  uint32_t loads_started() const noexcept { return loads_started_; }

  /// When the last backend load returned (`micros_of`), before the
  /// manager's own bookkeeping and unlocking.
  double last_load_end_us() const noexcept { return last_load_end_us_; }

protected:
  /// Loads through the backend, counting the attempt; throws on failure.
  std::unique_ptr<loaded_model> load_now(const std::string& path);

  /// Throws unless `type` is one of the seed's three variants.
  static void check_type(const std::string& type);

private:
  backend_ptr backend_;
  load_target target_;
  std::atomic<uint32_t> loads_started_{0};
  std::atomic<double> last_load_end_us_{0};
};

} // namespace cmm::bench
