#include "cmm/model_generator.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <caffe2/serialize/inline_container.h>
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

torch::jit::Module make_module(const model_blueprint& bp,
                               at::ScalarType w2_type) {
  auto gen = at::detail::createCPUGenerator(bp.seed);
  auto init = [&gen](at::IntArrayRef shape) {
    return at::randn(shape, gen) * 0.02;
  };
  torch::jit::Module module{class_name(bp.variant)};
  module.register_parameter("emb", init({bp.vocab, bp.width}), false);
  module.register_parameter("w1", init({bp.width, bp.hidden}), false);
  module.register_parameter("b1", init({bp.hidden}), false);
  module.register_parameter("w2", init({bp.hidden, bp.width}).to(w2_type),
                            false);
  module.register_parameter("b2", init({bp.width}), false);
  // Not used by forward: an int64 buffer that casts must leave alone.
  module.register_buffer("positions", at::arange(bp.width, at::kLong));
  module.define(forward_source);
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

uint64_t write_mixed_dtype_model(const std::string& path) {
  model_blueprint bp;
  bp.variant = "mixed";
  return save(make_module(bp, at::kHalf), path);
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
