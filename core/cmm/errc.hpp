#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cmm {

/// Every error the model manager reports, in core and across actor
/// boundaries. The numeric values travel on the wire: append, never reorder.
enum class errc : uint8_t {
  none = 0,
  unknown_type,
  invalid_device,
  device_unavailable,
  invalid_dtype,
  invalid_spec,
  unknown_model,
  model_not_found,
  invalid_model_file,
  out_of_memory,
  load_failed,
  unknown_lease,
  model_unloaded,
  bad_input,
  inference_failed,
  placement_conflict,
  not_permitted,
  shutting_down,
  timeout,
  manager_unavailable,
  insufficient_memory,
  /// A state change the entry state machine does not allow.
  illegal_transition,
  /// A ledger transition that would take a count below zero or past its
  /// range: a bookkeeping defect, refused instead of wrapped.
  accounting_error,
  /// A load that did not finish within its load timeout.
  load_timeout,
  /// The actor an acquire named as the lease's holder stopped before the
  /// grant.
  holder_gone,
};

/// Returns the enumerator's name, e.g. `"model_not_found"`.
const char* to_string(errc x);

/// The error a numeric code names, for codes that arrive from outside; none
/// for a code no enumerator has (`none` included).
std::optional<errc> errc_from_code(uint8_t code);

} // namespace cmm
