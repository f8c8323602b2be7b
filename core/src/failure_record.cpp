#include "cmm/failure_record.hpp"

#include <algorithm>
#include <string>
#include <string_view>

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

namespace {

constexpr std::string_view retry_lead = " (the load failed earlier and is not "
                                        "retried for another ";
constexpr std::string_view retry_tail = " s unless the model is reset)";

} // namespace

failure refusal(const failure_record& rec, time_point now) {
  auto left = rec.failed_at + rec.retry_after - now;
  auto secs = std::chrono::ceil<std::chrono::seconds>(left).count();
  return {rec.cause.code, rec.cause.message + std::string{retry_lead} +
                              std::to_string(secs) + std::string{retry_tail}};
}

std::optional<std::chrono::seconds> retry_after_in(const std::string& message) {
  auto tail = message.size() >= retry_tail.size()
                  ? message.size() - retry_tail.size()
                  : std::string::npos;
  if (tail == std::string::npos ||
      message.compare(tail, std::string::npos, retry_tail) != 0)
    return std::nullopt;
  auto lead = message.rfind(retry_lead, tail);
  if (lead == std::string::npos)
    return std::nullopt;
  auto digits =
      message.substr(lead + retry_lead.size(), tail - lead - retry_lead.size());
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::chrono::seconds{std::stol(digits)};
}

} // namespace cmm
