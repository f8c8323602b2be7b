#pragma once

#include "cmm/backend.hpp"

namespace cmm {

/// Loads TorchScript archives with libtorch: `torch::jit::load` straight to
/// the target device, a cast to the requested precision (skipped for files
/// that are quantized or hold mixed floating dtypes), `eval()`, and inference
/// under `torch::InferenceMode`. This is the only place, together with its
/// .cpp, that sees libtorch; its header stays free of torch includes.
class torchscript_backend : public backend {
public:
  /// `intra_op_threads` > 0 sets libtorch's intra-op thread count.
  explicit torchscript_backend(int intra_op_threads = 0);

  std::optional<failure> check(const load_request& req) const override;

  result<std::unique_ptr<loaded_model>> load(const load_request& req) override;
};

} // namespace cmm
