#include "torchscript_model.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <unordered_set>
#include <utility>

#include <torch/cuda.h>

#include "cmm/cuda_memory.hpp"
#include "cmm/tensor_check.hpp"

namespace cmm {

namespace {

// A tensor's elements plus, for per-channel quantized tensors, their scales
// and zero points.
uint64_t tensor_bytes(const at::Tensor& t) {
  uint64_t total = t.nbytes();
  if (t.is_quantized() && (t.qscheme() == at::kPerChannelAffine ||
                           t.qscheme() == at::kPerChannelSymmetric ||
                           t.qscheme() == at::kPerChannelAffineFloatQParams))
    total += t.q_per_channel_scales().nbytes() +
             t.q_per_channel_zero_points().nbytes();
  return total;
}

uint64_t state_bytes(const c10::IValue& x) {
  uint64_t total = 0;
  if (x.isTensor())
    total += tensor_bytes(x.toTensor());
  else if (x.isTuple())
    for (const auto& item : x.toTupleRef().elements())
      total += state_bytes(item);
  else if (x.isList())
    for (const auto& item : x.toListRef())
      total += state_bytes(item);
  else if (x.isGenericDict())
    for (const auto& kvp : x.toGenericDict())
      total += state_bytes(kvp.value());
  return total;
}

// The quantized tensors among a state's.
uint64_t quantized_bytes(const c10::IValue& x) {
  uint64_t total = 0;
  if (x.isTensor() && x.toTensor().is_quantized())
    total += tensor_bytes(x.toTensor());
  else if (x.isTuple())
    for (const auto& item : x.toTupleRef().elements())
      total += quantized_bytes(item);
  else if (x.isList())
    for (const auto& item : x.toListRef())
      total += quantized_bytes(item);
  return total;
}

// Custom-class objects keep their tensors out of sight: quantized packed
// weights are no parameters, and their packed form cannot be measured. Their
// `__getstate__`, what the archive stores (for packed weights the int8 weight
// and the bias), stands in, plus, for quantized packed weights, the engine's
// packed copy (FBGEMM, oneDNN and QNNPACK each keep one next to the int8
// weight, of about its size).
uint64_t custom_object_bytes(const c10::IValue& x) {
  auto type = x.type()->cast<c10::ClassType>();
  auto* getstate = type ? type->findMethod("__getstate__") : nullptr;
  if (!getstate)
    return 0;
  try {
    torch::jit::Stack stack{x};
    getstate->run(stack);
    if (stack.empty())
      return 0;
    return state_bytes(stack.back()) +
           (is_quantized_class(x) ? quantized_bytes(stack.back()) : 0);
  } catch (const std::exception&) {
    return 0;
  }
}

// Sums parameters, buffers and custom-class state once each, even where
// attributes share them.
uint64_t resident_bytes(const torch::jit::Module& module) {
  std::unordered_set<const void*> seen;
  uint64_t total = 0;
  auto add = [&](const at::Tensor& t) {
    if (seen.insert(t.unsafeGetTensorImpl()).second)
      total += t.nbytes();
  };
  for (const auto& t : module.parameters())
    add(t);
  for (const auto& t : module.buffers())
    add(t);
  auto add_object = [&](const c10::IValue& x) {
    if (seen.insert(x.internalToPointer()).second)
      total += custom_object_bytes(x);
  };
  for (const auto& attr : module.attributes())
    visit_custom_objects(attr, add_object);
  return total;
}

std::string input_name(size_t index) {
  return "input " + std::to_string(index);
}

result<at::Tensor> to_torch(const tensor& x, size_t index, at::Device dev,
                            at::ScalarType floating_type) {
  // Checked here too, not only where it arrived: libtorch reads as many
  // bytes as shape and dtype say, whatever the buffer holds.
  if (auto err = check_tensor(x, input_name(index)))
    return *err;
  auto options = at::TensorOptions().dtype(to_scalar_type(x.type));
  // from_blob does not write; the copy below makes sure the model cannot
  // write into the shared, immutable buffer either.
  auto src = x.nbytes() == 0
                 ? at::empty(x.shape, options)
                 : at::from_blob(const_cast<uint8_t*>(x.bytes->data()), x.shape,
                                 options);
  auto target = is_floating(x.type) ? floating_type : src.scalar_type();
  return src.to(dev, target, /*non_blocking=*/false, /*copy=*/true);
}

tensor from_torch(const at::Tensor& x) {
  tensor out;
  auto type = x.scalar_type();
  switch (type) {
  case at::kFloat:
    out.type = dtype::f32;
    break;
  case at::kHalf:
    out.type = dtype::f16;
    break;
  case at::kBFloat16:
    out.type = dtype::bf16;
    break;
  case at::kLong:
    out.type = dtype::i64;
    break;
  case at::kInt:
    out.type = dtype::i32;
    break;
  case at::kByte:
    out.type = dtype::u8;
    break;
  case at::kBool:
    out.type = dtype::boolean;
    break;
  case at::kChar:
    out.type = dtype::i8;
    break;
  case at::kShort:
    out.type = dtype::i16;
    break;
  case at::kDouble:
    out.type = dtype::f64;
    break;
  default:
    out.type = dtype::f32;
    type = at::kFloat;
  }
  auto host = x.to(at::kCPU, type).contiguous();
  out.shape.assign(host.sizes().begin(), host.sizes().end());
  std::vector<uint8_t> buf(host.nbytes());
  if (!buf.empty())
    std::memcpy(buf.data(), host.data_ptr(), buf.size());
  out.bytes = std::make_shared<const std::vector<uint8_t>>(std::move(buf));
  return out;
}

failure not_tensors(const c10::IValue& x) {
  return {errc::inference_failed,
          std::string{"the model returned "} + x.tagKind() +
              ", not a tensor or a tuple or list of tensors"};
}

result<std::vector<tensor>> outputs_of(const c10::IValue& x) {
  if (x.isTensor())
    return std::vector<tensor>{from_torch(x.toTensor())};
  c10::ArrayRef<c10::IValue> items;
  if (x.isTuple())
    items = x.toTupleRef().elements().asArrayRef();
  else if (x.isList())
    items = x.toListRef();
  else
    return not_tensors(x);
  std::vector<tensor> out;
  for (const auto& item : items) {
    if (!item.isTensor())
      return not_tensors(item);
    out.push_back(from_torch(item.toTensor()));
  }
  return out;
}

} // namespace

torchscript_model::torchscript_model(torch::jit::Module module, at::Device dev,
                                     at::ScalarType input_type,
                                     std::string precision, bool cpu_only,
                                     std::string cast)
    : module_(std::move(module)), device_(dev), input_type_(input_type),
      precision_(std::move(precision)), cpu_only_(cpu_only),
      cast_(std::move(cast)), bytes_(resident_bytes(module_)) {
  // nop
}

model_signature torchscript_model::signature() const {
  model_signature result;
  auto method = module_.find_method("forward");
  if (!method)
    return result;
  auto& schema = method->function().getSchema();
  // The first argument is the module itself.
  if (!schema.arguments().empty())
    result.inputs = static_cast<uint32_t>(schema.arguments().size() - 1);
  if (schema.returns().size() == 1) {
    auto type = schema.returns().front().type();
    if (auto tuple = type->cast<c10::TupleType>())
      result.outputs = static_cast<uint32_t>(tuple->elements().size());
    else if (type->kind() == c10::TypeKind::TensorType)
      result.outputs = 1;
  }
  return result;
}

torchscript_model::~torchscript_model() {
  module_ = torch::jit::Module{};
  if (device_.is_cuda())
    release_cached_cuda_memory();
}

result<std::vector<tensor>>
torchscript_model::infer(const std::vector<tensor>& inputs) {
  // What this call cast, for its error messages.
  std::string casts;
  if (!cast_.empty())
    casts = "the model was cast to " + cast_ + "; ";
  try {
    c10::InferenceMode guard;
    std::vector<c10::IValue> args;
    args.reserve(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto arg = to_torch(inputs[i], i, device_, input_type_);
      if (!arg)
        return arg.error();
      if (is_floating(inputs[i].type) &&
          to_scalar_type(inputs[i].type) != input_type_)
        casts += input_name(i) + " was cast from " + to_string(inputs[i].type) +
                 " to " + short_name(input_type_) + "; ";
      args.emplace_back(std::move(*arg));
    }
    return outputs_of(module_.forward(std::move(args)));
  } catch (const std::exception& e) {
    if (is_out_of_memory(e))
      return failure{errc::out_of_memory,
                     casts + "inference ran out of memory: " + error_line(e)};
    return failure{errc::bad_input,
                   casts + "inference failed: " + error_line(e)};
  } catch (...) {
    return failure{errc::inference_failed,
                   "inference failed with an unknown exception"};
  }
}

bool is_quantized_class(const c10::IValue& x) {
  auto type = x.type()->cast<c10::ClassType>();
  if (!type || !type->name())
    return false;
  return type->name()->qualifiedName().rfind(
             "__torch__.torch.classes.quantized.", 0) == 0;
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

uint64_t torchscript_model::bytes() const {
  return bytes_;
}

std::string torchscript_model::precision() const {
  return precision_;
}

bool torchscript_model::is_cast() const {
  return !cast_.empty();
}

std::optional<failure> torchscript_model::move_to(const device& target) {
  if (target.kind == device::kind_t::sim)
    return failure{errc::invalid_device,
                   "sim devices exist only in the simulated backend"};
  auto dev = to_torch_device(target);
  if (dev == device_)
    return std::nullopt;
  auto what = "moving the model to '" + to_string(target) + "' failed";
  if (dev.is_cuda()) {
    if (auto err = cuda_unavailable(target))
      return err;
    if (cpu_only_)
      return failure{errc::load_failed,
                     what + ": libtorch runs quantized packed weights on the "
                            "CPU only"};
  }
  std::optional<failure> err;
  try {
    module_.to(dev);
  } catch (const std::exception& e) {
    err = failure{is_out_of_memory(e) ? errc::out_of_memory : errc::load_failed,
                  what + ": " + error_line(e)};
  } catch (...) {
    err = failure{errc::load_failed, what};
  }
  if (err) {
    // Module::to moves tensor by tensor: bring back those that moved.
    try {
      module_.to(device_);
    } catch (...) {
      // Nothing better to do: those tensors stay where they went.
    }
    if (dev.is_cuda())
      release_cached_cuda_memory();
    return err;
  }
  auto left = std::exchange(device_, dev);
  if (left.is_cuda())
    release_cached_cuda_memory();
  return std::nullopt;
}

at::Device to_torch_device(const device& x) {
  if (x.kind == device::kind_t::cuda)
    return {at::kCUDA, static_cast<c10::DeviceIndex>(std::max(x.index, 0))};
  return {at::kCPU};
}

std::optional<failure> cuda_unavailable(const device& x) {
  auto name = to_string(x);
  if (!torch::cuda::is_available())
    return failure{errc::device_unavailable,
                   "CUDA device '" + name +
                       "' requested but this libtorch has no CUDA or no GPU "
                       "is visible"};
  auto count = torch::cuda::device_count();
  if (x.index >= 0 && static_cast<size_t>(x.index) >= count)
    return failure{errc::device_unavailable,
                   "CUDA device '" + name + "' requested but only " +
                       std::to_string(count) + " CUDA device(s) are visible"};
  return std::nullopt;
}

void visit_custom_objects(const c10::IValue& x,
                          const std::function<void(const c10::IValue&)>& f) {
  if (x.isCustomClass())
    f(x);
  else if (x.isTuple())
    for (const auto& item : x.toTupleRef().elements())
      visit_custom_objects(item, f);
  else if (x.isList())
    for (const auto& item : x.toListRef())
      visit_custom_objects(item, f);
  else if (x.isGenericDict())
    for (const auto& kvp : x.toGenericDict())
      visit_custom_objects(kvp.value(), f);
}

at::ScalarType to_scalar_type(dtype x) {
  switch (x) {
  case dtype::f32:
    return at::kFloat;
  case dtype::f16:
    return at::kHalf;
  case dtype::bf16:
    return at::kBFloat16;
  case dtype::i64:
    return at::kLong;
  case dtype::i32:
    return at::kInt;
  case dtype::u8:
    return at::kByte;
  case dtype::boolean:
    return at::kBool;
  case dtype::i8:
    return at::kChar;
  case dtype::i16:
    return at::kShort;
  case dtype::f64:
    return at::kDouble;
  }
  return at::kFloat;
}

std::string error_line(const std::exception& e) {
  auto* err = dynamic_cast<const c10::Error*>(&e);
  std::string text = err ? err->what_without_backtrace() : e.what();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  // Errors raised inside TorchScript open with a traceback and end with the
  // original error on the last line.
  const char* traceback = "The following operation failed in the TorchScript";
  if (text.rfind(traceback, 0) == 0)
    return text.substr(text.find_last_of('\n') + 1);
  return text.substr(0, text.find('\n'));
}

bool is_out_of_memory(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e))
    return true;
  std::string text = e.what();
  // CUDA says "out of memory", libtorch's CPU allocator "not enough memory".
  return text.find("out of memory") != std::string::npos ||
         text.find("not enough memory") != std::string::npos;
}

} // namespace cmm
