#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cmm/clock.hpp"
#include "cmm/failure.hpp"

namespace cmm {

/// How a failed load is treated when somebody asks for the model again.
enum class failure_kind {
  not_found,
  invalid_model_file,
  out_of_memory,
  other,
};

const char* to_string(failure_kind x);

failure_kind classify(errc code);

/// Permanent kinds (a missing or corrupt file) will fail the same way until
/// an operator acts; transient kinds may succeed later.
bool is_permanent(failure_kind x);

/// When a failed model may be loaded again.
struct retry_policy {
  /// Permanent failures stay this long (or until a reset).
  duration permanent = std::chrono::hours{1};
  /// First back-off for transient failures; doubles per consecutive failure.
  duration transient_base = std::chrono::seconds{5};
  duration transient_max = std::chrono::minutes{5};
};

/// The last failed load of one entry.
struct failure_record {
  failure_kind kind = failure_kind::other;
  failure cause;
  time_point failed_at;
  duration retry_after{0};
  /// Failed loads in a row, this one included.
  uint32_t consecutive = 1;
};

/// Builds the record for a failed load; `previous` counts the failures
/// before it (0 for the first).
failure_record record_failure(const retry_policy& policy, failure cause,
                              time_point now, uint32_t previous);

/// Whether the record has expired, so a new load may be tried.
bool may_retry(const failure_record& rec, time_point now);

/// The error an acquire gets while the record holds: the original cause,
/// saying for how long it stands.
failure refusal(const failure_record& rec, time_point now);

/// The seconds a refusal's message says the record still stands; none for
/// a message `refusal` did not write.
std::optional<std::chrono::seconds> retry_after_in(const std::string& message);

} // namespace cmm
