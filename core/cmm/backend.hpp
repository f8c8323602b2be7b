#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cmm/device.hpp"
#include "cmm/dtype.hpp"
#include "cmm/result.hpp"
#include "cmm/tensor.hpp"

namespace cmm {

/// What a backend needs to load one model.
struct load_request {
  std::string path;
  device target;
  dtype precision = dtype::bf16;
  /// Load the file's own precision instead of casting to `precision`.
  bool keep_saved = false;
};

/// How many tensors a model's `forward` takes and returns; 0 where the
/// model does not say (a list, or a backend that cannot tell).
struct model_signature {
  uint32_t inputs = 0;
  uint32_t outputs = 0;
};

/// One model resident in memory. Destroying it frees the model's memory
/// (and, on CUDA, returns the allocator's cached blocks to the device).
/// Not thread-safe: its model actor is its only user.
class loaded_model {
public:
  virtual ~loaded_model();

  /// Runs the model. Floating inputs are cast to the model's precision,
  /// integer and bool inputs pass unchanged. Bad inputs yield `bad_input`;
  /// the model stays usable.
  virtual result<std::vector<tensor>>
  infer(const std::vector<tensor>& inputs) = 0;

  /// Bytes of parameters and buffers.
  virtual uint64_t bytes() const = 0;

  /// The precision the model runs in, e.g. `bf16`, or a description such as
  /// `as saved (fp32+fp16)` when the file was loaded without a cast.
  virtual std::string precision() const = 0;

  /// Whether loading cast the model's state to a precision other than the
  /// file's: a cast that may break it (see `cast_fallback`).
  virtual bool is_cast() const = 0;

  /// Moves the model to another device (tier demotion and promotion). On
  /// failure the model stays where it was, usable.
  virtual std::optional<failure> move_to(const device& target) = 0;

  virtual model_signature signature() const;
};

/// How models of one format are loaded. `load` blocks and runs on the model
/// actor's own thread; `check` is cheap and runs in the supervisor.
class backend {
public:
  virtual ~backend();

  /// Rejects requests this backend can never serve (an unknown or absent
  /// device) before a model actor is spawned for them.
  virtual std::optional<failure> check(const load_request& req) const = 0;

  /// Loads the model, classifying failures: `model_not_found`,
  /// `invalid_model_file`, `out_of_memory`, `load_failed`.
  virtual result<std::unique_ptr<loaded_model>>
  load(const load_request& req) = 0;

  /// Bytes the model will take once loaded, estimated before loading so the
  /// supervisor can reserve them; 0 when nothing can be said (e.g. the file
  /// is missing: the load will report that).
  virtual uint64_t estimate_bytes(const load_request& req) const = 0;

  /// Free memory of an accelerator device right now, for default budgets;
  /// none where the backend cannot tell.
  virtual std::optional<uint64_t> free_device_memory(const device& dev) const;

  /// Accelerators this backend can reach now, e.g. every visible GPU as
  /// `cuda:N`: `auto` placement considers them even where no budget names
  /// them yet. None by default.
  virtual std::vector<device> visible_devices() const;
};

using backend_ptr = std::shared_ptr<backend>;

} // namespace cmm
