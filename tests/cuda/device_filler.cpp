#include "device_filler.hpp"

#include <ATen/ATen.h>

#include "cmm/cuda_memory.hpp"

namespace cmm::test {

namespace {

at::TensorOptions on_cuda0() {
  return at::TensorOptions().dtype(at::kByte).device(at::kCUDA, 0);
}

} // namespace

struct device_filler::impl {
  at::Tensor block;
};

void initialize_cuda() {
  // One small allocation makes libtorch create the context and its
  // allocator's state for the device.
  auto probe = at::empty({1}, on_cuda0());
  (void)probe;
}

device_filler::device_filler(uint64_t bytes) : impl_(std::make_unique<impl>()) {
  impl_->block = at::empty({static_cast<int64_t>(bytes)}, on_cuda0());
}

device_filler::~device_filler() {
  impl_->block = at::Tensor{};
  release_cached_cuda_memory();
}

} // namespace cmm::test
