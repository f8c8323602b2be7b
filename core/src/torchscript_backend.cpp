#include "cmm/torchscript_backend.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include "torchscript_model.hpp"

namespace cmm {

namespace {

std::optional<failure> check_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (!fs::exists(status))
    return failure{errc::model_not_found,
                   "model file '" + path + "' does not exist"};
  if (fs::is_directory(status))
    return failure{errc::invalid_model_file,
                   "'" + path + "' is a directory, not a TorchScript archive"};
  if (!std::ifstream{path, std::ios::binary})
    return failure{errc::invalid_model_file,
                   "model file '" + path + "' cannot be read"};
  return std::nullopt;
}

std::string short_name(at::ScalarType x) {
  switch (x) {
  case at::kFloat:
    return "fp32";
  case at::kHalf:
    return "fp16";
  case at::kBFloat16:
    return "bf16";
  case at::kDouble:
    return "fp64";
  default:
    return c10::toString(x);
  }
}

bool holds_custom_class(const c10::IValue& x) {
  auto any_of = [](c10::ArrayRef<c10::IValue> xs) {
    return std::any_of(xs.begin(), xs.end(), holds_custom_class);
  };
  if (x.isCustomClass())
    return true;
  if (x.isTuple())
    return any_of(x.toTupleRef().elements().asArrayRef());
  if (x.isList())
    return any_of(x.toListRef());
  if (x.isGenericDict())
    for (const auto& kvp : x.toGenericDict())
      if (holds_custom_class(kvp.value()))
        return true;
  return false;
}

// What a module's state says about casting it.
struct state_layout {
  // Distinct floating dtypes of parameters and buffers, parameters first.
  std::vector<at::ScalarType> floating;
  bool quantized = false;
  bool custom_classes = false;

  // Why the module must run as saved, or empty if a cast is safe.
  std::string as_saved_reason() const {
    if (quantized)
      return "quantized";
    if (custom_classes)
      return "custom-class state";
    if (floating.size() < 2)
      return {};
    std::string str;
    for (auto x : floating)
      str += (str.empty() ? "" : "+") + short_name(x);
    return str;
  }
};

state_layout layout_of(const torch::jit::Module& module) {
  state_layout result;
  auto add = [&result](const at::Tensor& t) {
    auto type = t.scalar_type();
    if (c10::isQIntType(type))
      result.quantized = true;
    else if (c10::isFloatingType(type) &&
             std::find(result.floating.begin(), result.floating.end(), type) ==
                 result.floating.end())
      result.floating.push_back(type);
  };
  for (const auto& t : module.parameters())
    add(t);
  for (const auto& t : module.buffers())
    add(t);
  for (const auto& attr : module.attributes())
    if (holds_custom_class(attr))
      result.custom_classes = true;
  return result;
}

// Module::to(dtype) casts every tensor, int64 buffers included, so only the
// floating ones are cast here.
void cast_floating_state(torch::jit::Module& module, at::ScalarType type) {
  auto cast = [type](const at::Tensor& t) {
    if (t.is_floating_point() && t.scalar_type() != type)
      t.set_data(t.to(type));
  };
  for (const auto& t : module.parameters())
    cast(t);
  for (const auto& t : module.buffers())
    cast(t);
}

at::Device to_torch_device(const device& x) {
  if (x.kind == device::kind_t::cuda)
    return {at::kCUDA, static_cast<c10::DeviceIndex>(std::max(x.index, 0))};
  return {at::kCPU};
}

} // namespace

torchscript_backend::torchscript_backend(int intra_op_threads) {
  if (intra_op_threads > 0)
    at::set_num_threads(intra_op_threads);
}

std::optional<failure>
torchscript_backend::check(const load_request& req) const {
  if (!is_floating(req.precision))
    return failure{errc::invalid_dtype,
                   std::string{"models load in bf16, fp16 or fp32, not "} +
                       to_string(req.precision)};
  if (req.target.kind == device::kind_t::sim)
    return failure{errc::invalid_device,
                   "sim devices exist only in the simulated backend"};
  if (req.target.kind == device::kind_t::cpu)
    return std::nullopt;
  auto name = to_string(req.target);
  if (!torch::cuda::is_available())
    return failure{errc::device_unavailable,
                   "CUDA device '" + name +
                       "' requested but this libtorch has no CUDA or no GPU "
                       "is visible"};
  auto count = torch::cuda::device_count();
  if (req.target.index >= 0 && static_cast<size_t>(req.target.index) >= count)
    return failure{errc::device_unavailable,
                   "CUDA device '" + name + "' requested but only " +
                       std::to_string(count) + " CUDA device(s) are visible"};
  return std::nullopt;
}

result<std::unique_ptr<loaded_model>>
torchscript_backend::load(const load_request& req) {
  if (auto err = check(req))
    return *err;
  if (auto err = check_file(req.path))
    return *err;
  auto dev = to_torch_device(req.target);
  auto file = "'" + req.path + "'";
  auto no_room = [&](const std::exception& e) {
    return failure{errc::out_of_memory, file + " does not fit on " +
                                            to_string(req.target) + ": " +
                                            error_line(e)};
  };
  torch::jit::Module module;
  try {
    module = torch::jit::load(req.path, dev);
  } catch (const std::exception& e) {
    if (is_out_of_memory(e))
      return no_room(e);
    auto reason = error_line(e);
    return failure{errc::invalid_model_file,
                   file + " is not a loadable TorchScript archive: " + reason};
  } catch (...) {
    return failure{errc::invalid_model_file,
                   file + " is not a loadable TorchScript archive"};
  }
  try {
    auto layout = layout_of(module);
    auto reason = layout.as_saved_reason();
    auto input_type = to_scalar_type(req.precision);
    std::string precision = to_string(req.precision);
    if (reason.empty()) {
      cast_floating_state(module, input_type);
    } else {
      input_type = layout.floating.empty() ? at::kFloat : layout.floating[0];
      precision = "as saved (" + reason + ")";
    }
    module.eval();
    return std::unique_ptr<loaded_model>{std::make_unique<torchscript_model>(
        std::move(module), dev, input_type, std::move(precision))};
  } catch (const std::exception& e) {
    if (is_out_of_memory(e))
      return no_room(e);
    return failure{errc::load_failed,
                   "preparing " + file + " failed: " + error_line(e)};
  } catch (...) {
    return failure{errc::load_failed, "preparing " + file + " failed"};
  }
}

} // namespace cmm
