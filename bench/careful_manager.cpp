#include "careful_manager.hpp"

#include <stdexcept>

namespace cmm::bench {

careful_manager::careful_manager(backend_ptr model_backend)
    : lock_based_manager(std::move(model_backend)) {
  // nop
}

std::string careful_manager::name() const {
  return "careful (lock + once-flag)";
}

loaded_model& careful_manager::load_model(const std::string& path,
                                          const std::string& type) {
  check_type(type);
  std::shared_ptr<entry> e;
  std::promise<void> done;
  bool loader = false;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (failed_.count(path) > 0)
      throw std::runtime_error("model '" + path +
                               "' previously failed to load");
    auto& slot = cache_[path];
    if (slot && slot->model) {
      ++slot->refs;
      slot->last_access = std::chrono::steady_clock::now();
      return *slot->model;
    }
    if (!slot) {
      slot = std::make_shared<entry>();
      slot->loaded = done.get_future().share();
      loader = true;
    }
    ++slot->refs;
    e = slot;
  }
  if (loader)
    return load_once(path, std::move(e), std::move(done));
  e->loaded.get(); // rethrows the loader's failure
  return *e->model;
}

loaded_model& careful_manager::load_once(const std::string& path,
                                         std::shared_ptr<entry> e,
                                         std::promise<void> done) {
  std::unique_ptr<loaded_model> model;
  try {
    model = load_now(path);
  } catch (...) {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      failed_.insert(path);
      if (auto i = cache_.find(path); i != cache_.end() && i->second == e)
        cache_.erase(i);
    }
    done.set_exception(std::current_exception());
    throw;
  }
  {
    std::lock_guard<std::mutex> guard{mtx_};
    e->owned = std::move(model);
    e->model = e->owned.get();
    e->last_access = std::chrono::steady_clock::now();
  }
  done.set_value();
  return *e->model;
}

void careful_manager::release_model(const std::string& path) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto i = cache_.find(path); i != cache_.end()) {
    auto& e = *i->second;
    e.refs = e.refs > 0 ? e.refs - 1 : 0;
    e.last_access = std::chrono::steady_clock::now();
  }
}

bool careful_manager::unload_model(const std::string& path, bool force) {
  std::unique_ptr<loaded_model> doomed;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = cache_.find(path);
    if (i == cache_.end() || !i->second->model ||
        (i->second->refs > 0 && !force))
      return false;
    doomed = std::move(i->second->owned);
    cache_.erase(i);
  }
  return true; // `doomed` frees the model here, outside the lock
}

} // namespace cmm::bench
