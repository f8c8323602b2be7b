#include "cmm/torchscript_backend.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <utility>

#include <malloc.h>

#include <ATen/Parallel.h>
#include <caffe2/serialize/inline_container.h>

#include "cmm/cuda_memory.hpp"
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

// What a module's state says about casting it.
struct state_layout {
  // Distinct floating dtypes of parameters and buffers, parameters first.
  std::vector<at::ScalarType> floating;
  // Quantized tensors or packed quantized weights.
  bool quantized = false;
  // Packed quantized weights, e.g. of dynamically quantized linear layers,
  // which libtorch runs on the CPU only.
  bool packed_quantized = false;
  // Other custom-class state: nothing is known about its dtypes.
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
  auto add_object = [&result](const c10::IValue& x) {
    if (is_quantized_class(x))
      result.quantized = result.packed_quantized = true;
    else
      result.custom_classes = true;
  };
  for (const auto& attr : module.attributes())
    visit_custom_objects(attr, add_object);
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

// How a load will treat an archive, as far as the storage types named in
// its data.pkl tell without reading a tensor: the pickle names each type
// once, e.g. "torch\nFloatStorage", and each custom class it holds.
struct archive_floats {
  // Quantized or custom-class state, or mixed floating dtypes: no cast.
  bool as_saved = false;
  // Bytes per floating element as stored.
  size_t element_size = 4;
};

archive_floats inspect_archive(const std::string& path) {
  archive_floats result;
  std::string pickle;
  try {
    caffe2::serialize::PyTorchStreamReader reader{path};
    auto [data, size] = reader.getRecord("data.pkl");
    pickle.assign(static_cast<const char*>(data.get()), size);
  } catch (const std::exception&) {
    return result;
  }
  if (pickle.find("c__torch__.torch.classes.") != std::string::npos)
    result.as_saved = true;
  // Bytes per element of the storage types, 0 for quantized ones.
  static constexpr std::pair<const char*, size_t> storage_types[] = {
      {"Float", 4},  {"Half", 2},     {"BFloat16", 2},
      {"Double", 8}, {"QInt8", 0},    {"QUInt8", 0},
      {"QInt32", 0}, {"QUInt4x2", 0}, {"QUInt2x4", 0}};
  std::vector<size_t> floating;
  for (auto [name, size] : storage_types) {
    auto global = "ctorch\n" + std::string{name} + "Storage\n";
    if (pickle.find(global) == std::string::npos)
      continue;
    if (size == 0)
      result.as_saved = true;
    else
      floating.push_back(size);
  }
  if (floating.size() > 1)
    result.as_saved = true;
  else if (floating.size() == 1)
    result.element_size = floating.front();
  return result;
}

result<std::unique_ptr<loaded_model>> load_archive(const load_request& req) {
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
    std::string cast;
    if (layout.packed_quantized && dev.is_cuda())
      return failure{errc::load_failed,
                     file + " holds quantized packed weights, which libtorch "
                            "runs on the CPU only"};
    auto saved_type = layout.floating.empty() ? at::kFloat : layout.floating[0];
    if (reason.empty() && !req.keep_saved) {
      if (!layout.floating.empty() && saved_type != input_type)
        cast = precision + " (saved as " + short_name(saved_type) + ")";
      cast_floating_state(module, input_type);
    } else {
      input_type = saved_type;
      precision = "as saved (" +
                  (reason.empty() ? short_name(saved_type) : reason) + ")";
    }
    module.eval();
    return std::unique_ptr<loaded_model>{std::make_unique<torchscript_model>(
        std::move(module), dev, input_type, std::move(precision),
        layout.packed_quantized, std::move(cast))};
  } catch (const std::exception& e) {
    if (is_out_of_memory(e))
      return no_room(e);
    return failure{errc::load_failed,
                   "preparing " + file + " failed: " + error_line(e)};
  } catch (...) {
    return failure{errc::load_failed, "preparing " + file + " failed"};
  }
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
  return cuda_unavailable(req.target);
}

result<std::unique_ptr<loaded_model>>
torchscript_backend::load(const load_request& req) {
  if (auto err = check(req))
    return *err;
  if (auto err = check_file(req.path))
    return *err;
  auto loaded = load_archive(req);
  // On a GPU, what a failed load put there, or the tensors as loaded before
  // a cast replaced them, sit in libtorch's cache with nobody using them:
  // give them back, as an unload does.
  if (req.target.kind == device::kind_t::cuda)
    release_cached_cuda_memory();
  else
    // What reading the archive and preparing the module allocated and
    // dropped stays in malloc's arenas: return it, so that the process's
    // growth is the model's.
    malloc_trim(0);
  return loaded;
}

// The file's size stands for its tensors' bytes (TorchScript archives store
// them uncompressed; code and pickles add a few KB). It scales by the
// requested precision over the stored floating element size, which the
// archive's data.pkl names; where it names none, or cannot be read, the
// archive is assumed to hold fp32. Integer buffers scale along, a small
// error for these models. Archives the load keeps as saved (quantized,
// custom-class state, mixed floating dtypes) count at their size.
uint64_t torchscript_backend::estimate_bytes(const load_request& req) const {
  std::error_code ec;
  auto size = std::filesystem::file_size(req.path, ec);
  if (ec)
    return 0;
  auto stored = inspect_archive(req.path);
  if (stored.as_saved || req.keep_saved)
    return size;
  return size * element_size(req.precision) / stored.element_size;
}

std::optional<uint64_t>
torchscript_backend::free_device_memory(const device& dev) const {
  if (dev.kind != device::kind_t::cuda)
    return std::nullopt;
  auto stats = query_cuda_memory(std::max(dev.index, 0));
  if (!stats)
    return std::nullopt;
  return stats->free_bytes;
}

std::vector<device> torchscript_backend::visible_devices() const {
  std::vector<device> result;
  for (int i = 0, n = visible_cuda_devices(); i < n; ++i)
    result.push_back(device{device::kind_t::cuda, i});
  return result;
}

} // namespace cmm
