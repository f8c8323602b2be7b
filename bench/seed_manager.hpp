#pragma once

// Baseline (a): the seed's design in C++. One mutex guards a map of
// path -> {model, refs, last access} and a set of failed paths. The seed's
// text leaves open whether the lock is held during a load; the coarse
// version (the default) holds it, so one slow load stalls every caller. The
// other version loads outside the lock, with no once-flag: concurrent first
// acquires of one model each load it, and all but one copy are thrown away.

#include <chrono>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "lock_based_manager.hpp"

namespace cmm::bench {

class seed_manager : public lock_based_manager {
public:
  seed_manager(backend_ptr model_backend, bool hold_lock_during_load = true,
               load_target target = {});

  std::string name() const override;

  loaded_model& load_model(const std::string& path,
                           const std::string& type) override;

  void release_model(const std::string& path) override;

  bool unload_model(const std::string& path, bool force = false) override;

private:
  struct entry {
    std::unique_ptr<loaded_model> model;
    uint32_t refs = 0;
    std::chrono::steady_clock::time_point last_access;
  };

  /// With `mtx_` held: throws when `path` failed to load before; on a cache
  /// hit counts the reference and returns the model; else returns null.
  loaded_model* take_cached(const std::string& path);

  /// With `mtx_` held: caches a fresh load of `path` unless another one got
  /// there first, then counts the reference. A duplicate stays in `model`, so
  /// that the caller frees it where it chooses.
  loaded_model& keep_loaded(const std::string& path,
                            std::unique_ptr<loaded_model>& model);

  loaded_model& load_outside_lock(const std::string& path);

  bool coarse_;
  std::mutex mtx_;
  std::unordered_map<std::string, entry> cache_;
  std::unordered_set<std::string> failed_;
};

} // namespace cmm::bench
