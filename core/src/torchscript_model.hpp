#pragma once

#include <exception>
#include <string>

#include <torch/script.h>

#include "cmm/backend.hpp"

namespace cmm {

/// A TorchScript module on its device, ready for inference. Floating inputs
/// are cast to `input_type`; everything else passes unchanged.
class torchscript_model : public loaded_model {
public:
  torchscript_model(torch::jit::Module module, at::Device dev,
                    at::ScalarType input_type, std::string precision);

  ~torchscript_model() override;

  result<std::vector<tensor>> infer(const std::vector<tensor>& inputs) override;

  uint64_t bytes() const override;

  std::string precision() const override;

private:
  torch::jit::Module module_;
  at::Device device_;
  at::ScalarType input_type_;
  std::string precision_;
  uint64_t bytes_;
};

/// Maps a cmm dtype to libtorch's scalar type.
at::ScalarType to_scalar_type(dtype x);

/// The line of a libtorch exception that says what went wrong, without
/// backtraces or TorchScript tracebacks.
std::string error_line(const std::exception& e);

/// Whether a libtorch exception reports an exhausted allocator.
bool is_out_of_memory(const std::exception& e);

} // namespace cmm
