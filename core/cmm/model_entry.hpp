#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cmm/acquire_rate.hpp"
#include "cmm/backend.hpp"
#include "cmm/clock.hpp"
#include "cmm/entry_state.hpp"
#include "cmm/failure_record.hpp"
#include "cmm/model_spec.hpp"

namespace cmm {

/// The supervisor's bookkeeping for one model: what it is, its state, who
/// uses it and what it costs. Plain data; only `transition_to` guards the
/// state machine.
struct model_entry {
  resolved_spec spec;
  entry_state state = entry_state::absent;
  uint32_t refs = 0;
  uint64_t bytes = 0;
  /// As reported by the backend, e.g. `bf16` or `as saved (fp32+fp16)`.
  std::string precision;
  duration load_time{0};
  duration warmup_time{0};
  /// Estimated bytes reserved on the device while loading.
  uint64_t reserved_bytes = 0;
  /// The device the model is on now: its target, or the CPU while demoted.
  device location;
  /// Which file was loaded: empty for the preferred one, else a fallback's
  /// label.
  std::string variant;
  /// The load already waited once for evictions after running out of memory.
  bool oom_retried = false;
  /// A move between devices (demotion or promotion) is in flight.
  bool moving = false;
  acquire_rate rate;
  /// Load attempts, failed ones included.
  uint32_t load_count = 0;
  time_point last_access;
  /// Bumped by every load; idle timers carry it, so a timer armed for an
  /// earlier instance does nothing.
  uint64_t instance = 0;
  bool idle_timer_armed = false;
  std::optional<failure_record> last_failure;
  /// Why the model runs in another precision than asked (a cast that
  /// failed it), empty otherwise.
  std::string cast_note;
  /// The process's resident-set growth over the load, where it was
  /// measured (cpu, nothing else loading) and differed from `bytes` by more
  /// than 20 %; 0 otherwise.
  uint64_t rss_growth = 0;
  /// What the loaded model's `forward` takes and returns.
  model_signature signature;

  /// Enters `next`, or stays and returns why that transition is illegal
  /// (`illegal_transition`).
  [[nodiscard]] std::optional<failure> transition_to(entry_state next);
};

/// What `info` and `list` report about one entry.
struct model_info {
  std::string name;
  std::string id;
  std::string path;
  std::string type;
  std::string device;
  std::string dtype;
  std::string state;
  uint32_t refs = 0;
  double idle_seconds = 0;
  uint64_t bytes = 0;
  double load_seconds = 0;
  uint32_t load_count = 0;
  std::string last_error;
  double warmup_seconds = 0;
  /// `preferred`, or the label of the fallback variant that was loaded.
  std::string variant;
  bool pinned = false;
  /// Where the model is now (differs from `device` while demoted).
  std::string location;
  /// Why the model runs in another precision than asked; empty if it
  /// does not.
  std::string cast_note;
  /// The resident-set growth its load measured, when that differed from
  /// `bytes` by more than 20 %; 0 otherwise.
  uint64_t rss_growth_bytes = 0;
  /// Tensors the model's `forward` takes and returns, as of its last load;
  /// 0 where unknown.
  uint32_t inputs = 0;
  uint32_t outputs = 0;
  /// The catalog's warmup input, when it has one: the dtype and shape its
  /// first input is known to take (empty type otherwise).
  std::string warmup_type;
  std::vector<int64_t> warmup_shape;
  /// The catalog's `batch=MAX:DELAY`; empty when the model does not batch.
  std::string batching;
  /// Forwards the model actor ran for more than one request, and the
  /// requests they served (their mean size is the quotient).
  uint64_t batches = 0;
  uint64_t batched_requests = 0;
};

model_info describe(const model_entry& entry, time_point now);

} // namespace cmm
