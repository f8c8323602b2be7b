#pragma once

#include <map>
#include <string>
#include <vector>

#include "cmm/catalog.hpp"
#include "cmm/clock.hpp"
#include "cmm/eviction_policy.hpp"
#include "cmm/failure_record.hpp"
#include "cmm/tensor_check.hpp"

namespace cmm {

/// What a model cast to another precision does when that precision fails it.
enum class cast_fallback {
  /// Reload it as saved and serve that, saying why in `info`.
  as_saved,
  /// Keep the cast: the failure stands.
  refuse,
};

/// Everything the supervisor needs to know, independent of how it was read
/// (CAF config file, flags, or code).
struct manager_config {
  /// Device for requests that name none. `cpu` by default: asking for CUDA
  /// must be explicit, since a missing GPU is an error, never a fall-back.
  std::string default_device = "cpu";
  duration idle_timeout = std::chrono::seconds{300};
  /// Precision models are loaded in unless a request or entry says
  /// otherwise: `auto` (as saved on the CPU, `accelerator_dtype` elsewhere),
  /// `saved`, `bf16`, `fp16` or `fp32`.
  std::string dtype = "auto";
  /// What `auto` casts to on accelerators (and simulated devices).
  std::string accelerator_dtype = "bf16";
  /// What happens when a model cast to another precision fails its warmup
  /// or first inference.
  cast_fallback on_cast_failure = cast_fallback::as_saved;
  std::vector<std::string> allowed_types = {"base", "custom_voice",
                                            "voice_design"};
  /// Level of the `cmm.*` loggers, applied when a manager starts; empty
  /// leaves it as it is.
  std::string log_level;
  /// libtorch's intra-op threads; 0 keeps libtorch's default.
  int intra_op_threads = 0;
  catalog models;
  retry_policy retry;
  /// Budgets in bytes by device string (`cpu`, `cuda:0`, `sim:2`). Devices
  /// without one get: `cpu` a fraction of physical memory, `cuda:N` its
  /// free memory at first use minus a reserve, `sim:N` no limit.
  std::map<std::string, uint64_t> budgets;
  double cpu_budget_fraction = 0.8;
  uint64_t cuda_reserve_bytes = uint64_t{512} << 20;
  eviction_policy policy = eviction_policy::lru;
  /// How long an acquire waits for room before `insufficient_memory`.
  duration admission_timeout = std::chrono::seconds{30};
  /// What one inference request may carry (`cmm.max-request-bytes`); a
  /// request beyond it is `bad_input` and the model stays ready.
  request_limits limits;
  /// Half-life of the acquire rate the cost-aware policy weighs.
  duration rate_half_life = std::chrono::seconds{60};
  /// How long a load may take (`cmm.load-timeout`; a catalog entry's
  /// `load-timeout=` wins) before it fails with `load_timeout`.
  duration load_timeout = std::chrono::minutes{10};
  /// How long sizing a model's files may take (`cmm.size-timeout`) before
  /// its acquires fail with `timeout`: a stalled mount, for instance.
  duration size_timeout = std::chrono::seconds{30};
  /// Model actors and file sizers get threads of their own. Tests turn this
  /// off to run them under CAF's deterministic scheduler.
  bool detached_workers = true;
};

} // namespace cmm
