#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cmm {

/// Shape of one generated TorchScript model: an embedding table for token ids
/// and a two-layer MLP, so it accepts every input dtype the manager passes.
/// `forward(x)`: floating, bool and uint8 inputs of shape [..., width] go
/// through the MLP; int32/int64 token ids of any shape are embedded first.
/// The output has shape [..., width] in the model's floating dtype.
struct model_blueprint {
  std::string variant = "base";
  int64_t width = 64;
  int64_t hidden = 128;
  int64_t vocab = 256;
  /// Seeds the parameters, so a file is reproducible.
  uint64_t seed = 1;
};

/// A blueprint whose parameters take about `megabytes` MB in fp32.
model_blueprint blueprint_of_size(std::string variant, double megabytes);

/// Writes a TorchScript archive of the blueprint (fp32 parameters plus an
/// int64 buffer) with `torch::jit::Module::save`. Returns the file's size.
uint64_t write_model(const std::string& path, const model_blueprint& bp);

/// Whether libtorch has a quantized engine (FBGEMM, oneDNN, QNNPACK) to pack
/// the weights of `write_quantized_model` with.
bool can_write_quantized_models();

/// Writes a dynamically quantized twin of the blueprint's model: the same
/// parameters (same seed) with the MLP's linear layers as int8 packed
/// weights run by `quantized::linear_dynamic` and the embedding as uint8
/// rows with per-row scale and offset, about a quarter of the fp32 file.
/// `forward` takes the same inputs and returns fp32 values close to the fp32
/// model's. Its state is custom-class objects, no parameters, and runs on
/// the CPU only. Throws without a quantized engine. Returns the file's size.
uint64_t write_quantized_model(const std::string& path,
                               const model_blueprint& bp);

/// Writes a TorchScript archive whose floating parameters mix fp32 and fp16,
/// which the manager must not cast blindly.
uint64_t write_mixed_dtype_model(const std::string& path);

/// Writes a vocoder-like stack in fp32: `forward(mel)` takes [N, 64, frames]
/// through a Conv1d and two ConvTranspose1d layers that upsample by 32 to
/// [N, 1, frames * 32 + ...]. libtorch 1.13's CPU bf16 conv_transpose1d
/// fails, so a bf16 cast of this model breaks at its first inference.
uint64_t write_conv_transpose_model(const std::string& path, uint64_t seed = 3);

/// Writes an embedding-only model: `forward(ids)` looks int64 ids up in a
/// [100, 16] fp32 table; floating inputs are no ids and fail.
uint64_t write_embedding_model(const std::string& path);

/// Writes a model with two inputs and two outputs: `forward(x, ids)` takes
/// fp32 `x` [N, 8] and int64 `ids` [N] (values below 10) and returns
/// (`x` times an [8, 4] weight plus the ids' rows of a [10, 4] table, the
/// sum of `x` over its last dimension).
uint64_t write_two_headed_model(const std::string& path);

/// Writes a valid zip archive that holds no TorchScript model.
void write_non_torchscript_zip(const std::string& path);

/// Writes `count` pseudo-random bytes.
void write_random_bytes(const std::string& path, uint64_t count,
                        uint64_t seed = 7);

/// Copies the first half of `source` to `path`: a truncated archive.
void write_truncated_copy(const std::string& source, const std::string& path);

/// The three demo variants with their approximate sizes in MB.
std::vector<model_blueprint> demo_blueprints(double megabytes_each);

} // namespace cmm
