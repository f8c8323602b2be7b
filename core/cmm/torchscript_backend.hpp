#pragma once

#include "cmm/backend.hpp"

namespace cmm {

/// Loads TorchScript archives with libtorch: `torch::jit::load` straight to
/// the target device, a cast to the requested precision (skipped for files
/// that are quantized or hold mixed floating dtypes), `eval()`, and inference
/// under `torch::InferenceMode`. Models move between the CPU and CUDA
/// devices, except those with quantized packed weights (dynamically
/// quantized layers), which libtorch runs on the CPU only. This is the only
/// place, together with its .cpp, that sees libtorch; its header stays free
/// of torch includes.
class torchscript_backend : public backend {
public:
  /// `intra_op_threads` > 0 sets libtorch's intra-op thread count.
  explicit torchscript_backend(int intra_op_threads = 0);

  std::optional<failure> check(const load_request& req) const override;

  result<std::unique_ptr<loaded_model>> load(const load_request& req) override;

  /// The file's size scaled from the archive's floating element size (fp32
  /// where it does not say) to the requested precision; the plain size for
  /// archives that load as saved; 0 for a missing file.
  uint64_t estimate_bytes(const load_request& req) const override;

  /// Free memory of a CUDA device as the driver reports it; none for other
  /// devices and in builds without CUDA.
  std::optional<uint64_t> free_device_memory(const device& dev) const override;

  /// `cuda:0` ... `cuda:N-1` for the N GPUs this process sees; none in builds
  /// without CUDA.
  std::vector<device> visible_devices() const override;
};

} // namespace cmm
