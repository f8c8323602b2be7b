#include "cmm/failure_record.hpp"

#include <algorithm>
#include <string>

namespace cmm {

const char* to_string(failure_kind x) {
  switch (x) {
  case failure_kind::not_found:
    return "not_found";
  case failure_kind::invalid_model_file:
    return "invalid_model_file";
  case failure_kind::out_of_memory:
    return "out_of_memory";
  case failure_kind::other:
    return "other";
  }
  return "?";
}

failure_kind classify(errc code) {
  switch (code) {
  case errc::model_not_found:
    return failure_kind::not_found;
  case errc::invalid_model_file:
    return failure_kind::invalid_model_file;
  case errc::out_of_memory:
    return failure_kind::out_of_memory;
  default:
    return failure_kind::other;
  }
}

bool is_permanent(failure_kind x) {
  return x == failure_kind::not_found || x == failure_kind::invalid_model_file;
}

failure_record record_failure(const retry_policy& policy, failure cause,
                              time_point now, uint32_t previous) {
  failure_record rec;
  rec.kind = classify(cause.code);
  rec.cause = std::move(cause);
  rec.failed_at = now;
  rec.consecutive = previous + 1;
  if (is_permanent(rec.kind)) {
    rec.retry_after = policy.permanent;
  } else {
    auto backoff = policy.transient_base;
    for (uint32_t i = 1; i < rec.consecutive && backoff < policy.transient_max;
         ++i)
      backoff *= 2;
    rec.retry_after = std::min(backoff, policy.transient_max);
  }
  return rec;
}

bool may_retry(const failure_record& rec, time_point now) {
  return now >= rec.failed_at + rec.retry_after;
}

failure refusal(const failure_record& rec, time_point now) {
  auto left = rec.failed_at + rec.retry_after - now;
  auto secs = std::chrono::ceil<std::chrono::seconds>(left).count();
  return {rec.cause.code, rec.cause.message +
                              " (the load failed earlier and is not retried " +
                              "for another " + std::to_string(secs) +
                              " s unless the model is reset)"};
}

} // namespace cmm
