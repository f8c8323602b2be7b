#include "cmm/model_generator.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/frontend/resolver.h>
#include <torch/script.h>

namespace cmm {

namespace {

constexpr double bytes_per_mb = 1e6;

// Floating inputs pass as they are, token ids (signed integers) go through
// the embedding, bool and uint8 become values. The cast of w2 to the
// activations' dtype lets the mixed-dtype model run.
constexpr const char* forward_source = R"JIT(
def forward(self, x):
    if x.is_floating_point():
        h = x
    elif x.is_signed():
        h = torch.embedding(self.emb, x.long())
    else:
        h = x
    if h.is_cuda:
        w1 = self.w1
        return self.mlp(h.to(w1.dtype), w1, self.b1, self.w2, self.b2)
    # libtorch's CPU kernels have no fp16 matmul: compute in fp32 there.
    y = self.mlp(h.float(), self.w1.float(), self.b1.float(), self.w2.float(),
                 self.b2.float())
    return y.to(self.w1.dtype)

def mlp(self, h, w1, b1, w2, b2):
    return torch.tanh(h.matmul(w1) + b1).matmul(w2.to(h.dtype)) + b2
)JIT";

std::string class_name(const std::string& variant) {
  std::string str = "cmm_" + variant;
  std::replace_if(
      str.begin(), str.end(),
      [](unsigned char c) { return !std::isalnum(c) && c != '_'; }, '_');
  return str;
}

// FNV-1a: a seed that is stable across platforms and standard libraries.
uint64_t seed_of(const std::string& str) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : str) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

// A blueprint's fp32 parameters, drawn from its seed in a fixed order.
struct blueprint_parameters {
  at::Tensor emb;
  at::Tensor w1;
  at::Tensor b1;
  at::Tensor w2;
  at::Tensor b2;
};

blueprint_parameters draw_parameters(const model_blueprint& bp) {
  auto gen = at::detail::createCPUGenerator(bp.seed);
  auto init = [&gen](at::IntArrayRef shape) {
    return at::randn(shape, gen) * 0.02;
  };
  blueprint_parameters result;
  result.emb = init({bp.vocab, bp.width});
  result.w1 = init({bp.width, bp.hidden});
  result.b1 = init({bp.hidden});
  result.w2 = init({bp.hidden, bp.width});
  result.b2 = init({bp.width});
  return result;
}

torch::jit::Module make_module(const model_blueprint& bp,
                               at::ScalarType w2_type) {
  auto params = draw_parameters(bp);
  torch::jit::Module module{class_name(bp.variant)};
  module.register_parameter("emb", params.emb, false);
  module.register_parameter("w1", params.w1, false);
  module.register_parameter("b1", params.b1, false);
  module.register_parameter("w2", params.w2.to(w2_type), false);
  module.register_parameter("b2", params.b2, false);
  // Not used by forward: an int64 buffer that casts must leave alone.
  module.register_buffer("positions", at::arange(bp.width, at::kLong));
  module.define(forward_source);
  return module;
}

// The quantized twin of forward_source: the MLP's linear layers run as
// libtorch's dynamically quantized ones (int8 weights, activations
// quantized per call), the embedding looks up int8 rows.
constexpr const char* quantized_forward_source = R"JIT(
def forward(self, x):
    if x.is_floating_point():
        h = x.float()
    elif x.is_signed():
        h = quantized.embedding_byte(self.emb, x.long(), False)
    else:
        h = x.float()
    h = torch.tanh(quantized.linear_dynamic(h, self.fc1, False))
    return quantized.linear_dynamic(h, self.fc2, False)
)JIT";

// Lets TorchScript source call `quantized::` operators as `quantized.NAME`;
// saved code spells them `ops.quantized.NAME`, which every loader resolves.
struct quantized_ops_resolver : torch::jit::NativeResolver {
  std::shared_ptr<torch::jit::SugaredValue>
  resolveValue(const std::string& name, torch::jit::GraphFunction& fn,
               const torch::jit::SourceRange& loc) override {
    if (name == "quantized")
      return std::make_shared<torch::jit::BuiltinModule>("quantized");
    return NativeResolver::resolveValue(name, fn, loc);
  }
};

c10::IValue call_operator(const char* name, torch::jit::Stack stack) {
  auto op = c10::Dispatcher::singleton().findSchemaOrThrow(name, "");
  op.callBoxed(&stack);
  return stack.front();
}

// Symmetric per-tensor int8, as PyTorch's default dynamic quantization
// does for linear weights.
c10::IValue pack_linear(const at::Tensor& weight, const at::Tensor& bias) {
  auto max = weight.abs().max().item<double>();
  auto scale = max > 0 ? max / 127 : 1.0;
  auto q = at::quantize_per_tensor(weight.contiguous(), scale, 0, at::kQInt8);
  return call_operator("quantized::linear_prepack", {q, bias});
}

// Per-row uint8 with float scale and offset, as PyTorch's quantized
// Embedding stores its table.
c10::IValue pack_embedding(const at::Tensor& table) {
  auto [min, max] = at::aminmax(table, 1);
  auto scales = (max - min) / 255;
  scales = at::where(scales > 1e-8, scales, at::ones_like(scales));
  auto q =
      at::quantize_per_channel(table, scales, -min / scales, 0, at::kQUInt8);
  return call_operator("quantized::embedding_bag_prepack", {q});
}

torch::jit::Module make_quantized_module(const model_blueprint& bp) {
  auto params = draw_parameters(bp);
  torch::jit::Module module{class_name(bp.variant + "_int8")};
  auto add = [&module](const std::string& name, const c10::IValue& packed) {
    module.register_attribute(name, packed.type(), packed);
  };
  add("emb", pack_embedding(params.emb));
  // linear() computes x W^T + b: the weights transposed from w1 and w2.
  add("fc1", pack_linear(params.w1.t(), params.b1));
  add("fc2", pack_linear(params.w2.t(), params.b2));
  module.define(quantized_forward_source,
                std::make_shared<quantized_ops_resolver>());
  return module;
}

// Writes to a temporary file and renames it, so that no reader ever sees a
// half-written file.
uint64_t write_file(const std::string& path,
                    const std::function<void(std::ostream&)>& fill) {
  auto tmp = path + ".tmp";
  {
    std::ofstream out{tmp, std::ios::binary | std::ios::trunc};
    if (!out)
      throw std::runtime_error("cannot write '" + tmp + "'");
    fill(out);
    out.flush();
    if (!out)
      throw std::runtime_error("writing '" + tmp + "' failed");
  }
  std::filesystem::rename(tmp, path);
  return std::filesystem::file_size(path);
}

uint64_t save(const torch::jit::Module& module, const std::string& path) {
  // Saving to a stream names the archive's root folder "archive" instead of
  // after the file, so equal models give equal bytes wherever they are saved.
  return write_file(path, [&module](std::ostream& out) { module.save(out); });
}

} // namespace

model_blueprint blueprint_of_size(std::string variant, double megabytes) {
  model_blueprint bp;
  bp.width = megabytes >= 1.0 ? 256 : 64;
  bp.hidden = 2 * bp.width;
  auto floats = static_cast<int64_t>(megabytes * bytes_per_mb / 4);
  auto mlp = 2 * bp.width * bp.hidden + bp.hidden + bp.width;
  bp.vocab = std::max<int64_t>(16, (floats - mlp) / bp.width);
  bp.seed = seed_of(variant);
  bp.variant = std::move(variant);
  return bp;
}

uint64_t write_model(const std::string& path, const model_blueprint& bp) {
  return save(make_module(bp, at::kFloat), path);
}

bool can_write_quantized_models() {
  return at::globalContext().qEngine() != at::QEngine::NoQEngine;
}

uint64_t write_quantized_model(const std::string& path,
                               const model_blueprint& bp) {
  if (!can_write_quantized_models())
    throw std::runtime_error("this libtorch has no quantized engine");
  return save(make_quantized_module(bp), path);
}

uint64_t write_mixed_dtype_model(const std::string& path) {
  model_blueprint bp;
  bp.variant = "mixed";
  return save(make_module(bp, at::kHalf), path);
}

uint64_t write_conv_transpose_model(const std::string& path, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  auto init = [&gen](at::IntArrayRef shape, double scale) {
    return at::randn(shape, gen) * scale;
  };
  torch::jit::Module module{"cmm_vocoder"};
  module.register_parameter("pre", init({128, 64, 7}, 0.05), false);
  module.register_parameter("pre_b", init({128}, 0.01), false);
  module.register_parameter("up1", init({128, 64, 16}, 0.05), false);
  module.register_parameter("up1_b", init({64}, 0.01), false);
  module.register_parameter("up2", init({64, 1, 8}, 0.05), false);
  module.register_parameter("up2_b", init({1}, 0.01), false);
  module.define(R"JIT(
def forward(self, mel):
    h = torch.conv1d(mel, self.pre, self.pre_b, 1, 3)
    h = torch.conv_transpose1d(torch.relu(h), self.up1, self.up1_b, 8, 4)
    h = torch.conv_transpose1d(torch.relu(h), self.up2, self.up2_b, 4, 2)
    return torch.tanh(h)
)JIT");
  return save(module, path);
}

uint64_t write_embedding_model(const std::string& path) {
  auto gen = at::detail::createCPUGenerator(5);
  torch::jit::Module module{"cmm_embedding"};
  module.register_parameter("table", at::randn({100, 16}, gen) * 0.1, false);
  module.define(R"JIT(
def forward(self, ids):
    return torch.embedding(self.table, ids)
)JIT");
  return save(module, path);
}

uint64_t write_two_headed_model(const std::string& path) {
  auto gen = at::detail::createCPUGenerator(7);
  torch::jit::Module module{"cmm_two_headed"};
  module.register_parameter("weight", at::randn({8, 4}, gen) * 0.5, false);
  module.register_parameter("table", at::randn({10, 4}, gen) * 0.5, false);
  module.define(R"JIT(
def forward(self, x, ids):
    mixed = torch.matmul(x, self.weight) + torch.embedding(self.table, ids)
    return mixed, torch.sum(x, -1)
)JIT");
  return save(module, path);
}

void write_non_torchscript_zip(const std::string& path) {
  write_file(path, [](std::ostream& out) {
    caffe2::serialize::PyTorchStreamWriter writer{
        [&out](const void* data, size_t size) {
          out.write(static_cast<const char*>(data),
                    static_cast<std::streamsize>(size));
          return size;
        }};
    std::string text = "hello, not a model\n";
    writer.writeRecord("hello.txt", text.data(), text.size());
    writer.writeEndOfFile();
  });
}

void write_random_bytes(const std::string& path, uint64_t count,
                        uint64_t seed) {
  write_file(path, [count, seed](std::ostream& out) {
    std::mt19937_64 engine{seed};
    for (uint64_t i = 0; i < count; ++i)
      out.put(static_cast<char>(engine() & 0xff));
  });
}

void write_truncated_copy(const std::string& source, const std::string& path) {
  std::ifstream in{source, std::ios::binary};
  if (!in)
    throw std::runtime_error("cannot read '" + source + "'");
  std::string content{std::istreambuf_iterator<char>{in},
                      std::istreambuf_iterator<char>{}};
  write_file(path, [&content](std::ostream& out) {
    out.write(content.data(), static_cast<std::streamsize>(content.size() / 2));
  });
}

std::vector<model_blueprint> demo_blueprints(double megabytes_each) {
  return {blueprint_of_size("base", megabytes_each),
          blueprint_of_size("custom_voice", megabytes_each * 1.25),
          blueprint_of_size("voice_design", megabytes_each * 1.5)};
}

} // namespace cmm
