#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <string>

#include <torch/script.h>

#include "cmm/backend.hpp"

namespace cmm {

/// A TorchScript module on its device, ready for inference. Floating inputs
/// are cast to `input_type`; everything else passes unchanged. A `cpu_only`
/// module (quantized packed parameters, which libtorch runs on the CPU only)
/// refuses to move to CUDA. `cast` says what loading cast the module to,
/// e.g. `bf16 (saved as fp32)`, empty if nothing; inference errors and
/// input casts mention it.
class torchscript_model : public loaded_model {
public:
  torchscript_model(torch::jit::Module module, at::Device dev,
                    at::ScalarType input_type, std::string precision,
                    bool cpu_only = false, std::string cast = {});

  ~torchscript_model() override;

  result<std::vector<tensor>> infer(const std::vector<tensor>& inputs) override;

  uint64_t bytes() const override;

  std::string precision() const override;

  bool is_cast() const override;

  std::optional<failure> move_to(const device& target) override;

  model_signature signature() const override;

private:
  torch::jit::Module module_;
  at::Device device_;
  at::ScalarType input_type_;
  std::string precision_;
  bool cpu_only_;
  std::string cast_;
  uint64_t bytes_;
};

/// Maps a cmm device to libtorch's; plain `cuda` means `cuda:0`.
at::Device to_torch_device(const device& x);

/// Why libtorch cannot reach a CUDA device, or `std::nullopt` if it can.
std::optional<failure> cuda_unavailable(const device& x);

/// Calls `f` with every custom-class object (such as quantized packed
/// weights) in `x`, looking into tuples, lists and dicts.
void visit_custom_objects(const c10::IValue& x,
                          const std::function<void(const c10::IValue&)>& f);

/// Whether `x` is an object of one of libtorch's quantized classes, such
/// as the packed weights of a dynamically quantized linear layer.
bool is_quantized_class(const c10::IValue& x);

/// A scalar type's short name as `info` prints precisions: `fp32`, `bf16`.
std::string short_name(at::ScalarType x);

/// Maps a cmm dtype to libtorch's scalar type.
at::ScalarType to_scalar_type(dtype x);

/// The line of a libtorch exception that says what went wrong, without
/// backtraces or TorchScript tracebacks.
std::string error_line(const std::exception& e);

/// Whether a libtorch exception reports an exhausted allocator.
bool is_out_of_memory(const std::exception& e);

} // namespace cmm
