#include "cmm/backend_router.hpp"

namespace cmm {

backend_router::backend_router(backend_ptr fallback)
    : fallback_(std::move(fallback)) {
  // nop
}

void backend_router::add(std::string path_prefix, backend_ptr handler) {
  routes_.emplace_back(std::move(path_prefix), std::move(handler));
}

backend& backend_router::select(const std::string& path) const {
  for (auto& [prefix, handler] : routes_)
    if (path.compare(0, prefix.size(), prefix) == 0)
      return *handler;
  return *fallback_;
}

std::optional<failure> backend_router::check(const load_request& req) const {
  return select(req.path).check(req);
}

result<std::unique_ptr<loaded_model>>
backend_router::load(const load_request& req) {
  return select(req.path).load(req);
}

uint64_t backend_router::estimate_bytes(const load_request& req) const {
  return select(req.path).estimate_bytes(req);
}

std::optional<uint64_t>
backend_router::free_device_memory(const device& dev) const {
  return fallback_->free_device_memory(dev);
}

std::vector<device> backend_router::visible_devices() const {
  return fallback_->visible_devices();
}

} // namespace cmm
