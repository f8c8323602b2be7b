#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cmm/backend.hpp"

namespace cmm {

/// A backend that hands each request to the first backend whose path prefix
/// matches, else to the fallback (e.g. `sim://` to the simulated backend and
/// everything else to TorchScript).
class backend_router : public backend {
public:
  explicit backend_router(backend_ptr fallback);

  void add(std::string path_prefix, backend_ptr handler);

  std::optional<failure> check(const load_request& req) const override;

  result<std::unique_ptr<loaded_model>> load(const load_request& req) override;

  uint64_t estimate_bytes(const load_request& req) const override;

  /// Asks the fallback: devices belong to the real backend.
  std::optional<uint64_t> free_device_memory(const device& dev) const override;

  /// Asks the fallback, as `free_device_memory` does.
  std::vector<device> visible_devices() const override;

private:
  backend& select(const std::string& path) const;

  std::vector<std::pair<std::string, backend_ptr>> routes_;
  backend_ptr fallback_;
};

} // namespace cmm
