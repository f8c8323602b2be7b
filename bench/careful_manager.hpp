#pragma once

// Baseline (b): a careful lock-based design. The mutex guards only the map;
// a load runs outside it, and a per-model once-flag (a shared future) makes
// concurrent first acquires wait for one load instead of starting their own.
// Models are freed outside the lock too.

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "lock_based_manager.hpp"

namespace cmm::bench {

class careful_manager : public lock_based_manager {
public:
  explicit careful_manager(backend_ptr model_backend);

  std::string name() const override;

  loaded_model& load_model(const std::string& path,
                           const std::string& type) override;

  void release_model(const std::string& path) override;

  bool unload_model(const std::string& path, bool force = false) override;

private:
  struct entry {
    /// Set under the lock once loaded; a hit reads only this.
    loaded_model* model = nullptr;
    std::unique_ptr<loaded_model> owned;
    /// Ready when the one load has finished (or failed).
    std::shared_future<void> loaded;
    uint32_t refs = 0;
    std::chrono::steady_clock::time_point last_access;
  };

  loaded_model& load_once(const std::string& path, std::shared_ptr<entry> e,
                          std::promise<void> done);

  std::mutex mtx_;
  std::unordered_map<std::string, std::shared_ptr<entry>> cache_;
  std::unordered_set<std::string> failed_;
};

} // namespace cmm::bench
