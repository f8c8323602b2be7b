#include "cmm/backend.hpp"

namespace cmm {

loaded_model::~loaded_model() {
  // nop
}

model_signature loaded_model::signature() const {
  return {};
}

backend::~backend() {
  // nop
}

std::optional<uint64_t> backend::free_device_memory(const device&) const {
  return std::nullopt;
}

std::vector<device> backend::visible_devices() const {
  return {};
}

} // namespace cmm
