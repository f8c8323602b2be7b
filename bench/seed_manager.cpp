#include "seed_manager.hpp"

#include <stdexcept>

namespace cmm::bench {

namespace {

[[noreturn]] void previously_failed(const std::string& path) {
  throw std::runtime_error("model '" + path + "' previously failed to load");
}

} // namespace

seed_manager::seed_manager(backend_ptr model_backend,
                           bool hold_lock_during_load, load_target target)
    : lock_based_manager(std::move(model_backend), target),
      coarse_(hold_lock_during_load) {
  // nop
}

std::string seed_manager::name() const {
  return coarse_ ? "seed (coarse lock)" : "seed (load outside the lock)";
}

loaded_model& seed_manager::load_model(const std::string& path,
                                       const std::string& type) {
  check_type(type);
  if (!coarse_)
    return load_outside_lock(path);
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto* cached = take_cached(path))
    return *cached;
  std::unique_ptr<loaded_model> model;
  try {
    model = load_now(path);
  } catch (...) {
    failed_.insert(path);
    throw;
  }
  return keep_loaded(path, model);
}

loaded_model* seed_manager::take_cached(const std::string& path) {
  if (failed_.count(path) > 0)
    previously_failed(path);
  auto i = cache_.find(path);
  if (i == cache_.end())
    return nullptr;
  ++i->second.refs;
  i->second.last_access = std::chrono::steady_clock::now();
  return i->second.model.get();
}

loaded_model& seed_manager::keep_loaded(const std::string& path,
                                        std::unique_ptr<loaded_model>& model) {
  auto& e = cache_[path];
  if (!e.model)
    e.model = std::move(model);
  ++e.refs;
  e.last_access = std::chrono::steady_clock::now();
  return *e.model;
}

loaded_model& seed_manager::load_outside_lock(const std::string& path) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (auto* cached = take_cached(path))
      return *cached;
  }
  std::unique_ptr<loaded_model> model;
  try {
    model = load_now(path);
  } catch (...) {
    std::lock_guard<std::mutex> guard{mtx_};
    failed_.insert(path);
    throw;
  }
  std::unique_lock<std::mutex> guard{mtx_};
  auto& result = keep_loaded(path, model);
  guard.unlock();
  return result; // a duplicate load, if any, is freed here
}

void seed_manager::release_model(const std::string& path) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto i = cache_.find(path); i != cache_.end()) {
    auto& e = i->second;
    e.refs = e.refs > 0 ? e.refs - 1 : 0;
    e.last_access = std::chrono::steady_clock::now();
  }
}

bool seed_manager::unload_model(const std::string& path, bool force) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = cache_.find(path);
  if (i == cache_.end() || (i->second.refs > 0 && !force))
    return false;
  cache_.erase(i); // frees the model with the lock held, as the seed does
  return true;
}

} // namespace cmm::bench
