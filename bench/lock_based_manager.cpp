#include "lock_based_manager.hpp"

#include <stdexcept>

#include "stopwatch.hpp"

namespace cmm::bench {

lock_based_manager::lock_based_manager(backend_ptr model_backend,
                                       load_target target)
    : backend_(std::move(model_backend)), target_(target) {
  // nop
}

lock_based_manager::~lock_based_manager() {
  // nop
}

std::unique_ptr<loaded_model>
lock_based_manager::load_now(const std::string& path) {
  ++loads_started_;
  load_request req{path, target_.where, target_.precision};
  auto loaded = backend_->load(req);
  last_load_end_us_ = micros_of(bench_clock::now());
  if (!loaded)
    throw std::runtime_error(to_string(loaded.error()));
  return std::move(*loaded);
}

void lock_based_manager::check_type(const std::string& type) {
  if (type != "base" && type != "custom_voice" && type != "voice_design")
    throw std::invalid_argument("unknown model type '" + type + "'");
}

} // namespace cmm::bench
