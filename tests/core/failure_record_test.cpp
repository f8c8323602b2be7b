#include "cmm/failure_record.hpp"

#include <string>

#include <catch2/catch.hpp>

using namespace cmm;
using namespace std::chrono_literals;

namespace {

struct classify_case {
  errc code;
  failure_kind kind;
};

const time_point t0 = time_point{} + 1000h;

constexpr duration tick{1};

} // namespace

TEST_CASE("classify maps every errc to a failure kind", "[failure_record]") {
  auto c = GENERATE(values<classify_case>({
      {errc::none, failure_kind::other},
      {errc::unknown_type, failure_kind::other},
      {errc::invalid_device, failure_kind::other},
      {errc::device_unavailable, failure_kind::other},
      {errc::invalid_dtype, failure_kind::other},
      {errc::invalid_spec, failure_kind::other},
      {errc::unknown_model, failure_kind::other},
      {errc::model_not_found, failure_kind::not_found},
      {errc::invalid_model_file, failure_kind::invalid_model_file},
      {errc::out_of_memory, failure_kind::out_of_memory},
      {errc::load_failed, failure_kind::other},
      {errc::unknown_lease, failure_kind::other},
      {errc::model_unloaded, failure_kind::other},
      {errc::bad_input, failure_kind::other},
      {errc::inference_failed, failure_kind::other},
      {errc::placement_conflict, failure_kind::other},
      {errc::not_permitted, failure_kind::other},
      {errc::shutting_down, failure_kind::other},
      {errc::timeout, failure_kind::other},
      {errc::manager_unavailable, failure_kind::other},
      {errc::insufficient_memory, failure_kind::other},
      {errc::illegal_transition, failure_kind::other},
      {errc::accounting_error, failure_kind::other},
      // Backs off as a transient failure, as out of memory does.
      {errc::load_timeout, failure_kind::other},
      {errc::holder_gone, failure_kind::other},
  }));
  CAPTURE(to_string(c.code));
  CHECK(classify(c.code) == c.kind);
}

TEST_CASE("only missing and corrupt files are permanent", "[failure_record]") {
  CHECK(is_permanent(failure_kind::not_found));
  CHECK(is_permanent(failure_kind::invalid_model_file));
  CHECK_FALSE(is_permanent(failure_kind::out_of_memory));
  CHECK_FALSE(is_permanent(failure_kind::other));
  CHECK(std::string{to_string(failure_kind::not_found)} == "not_found");
  CHECK(std::string{to_string(failure_kind::invalid_model_file)} ==
        "invalid_model_file");
  CHECK(std::string{to_string(failure_kind::out_of_memory)} == "out_of_memory");
  CHECK(std::string{to_string(failure_kind::other)} == "other");
}

TEST_CASE("permanent failures stand for policy.permanent", "[failure_record]") {
  retry_policy policy;
  policy.permanent = 42min;
  auto code = GENERATE(errc::model_not_found, errc::invalid_model_file);
  auto previous = GENERATE(0u, 1u, 7u, 100u);
  CAPTURE(to_string(code), previous);
  auto rec = record_failure(policy, {code, "gone"}, t0, previous);
  CHECK(rec.kind == classify(code));
  CHECK(rec.cause.code == code);
  CHECK(rec.cause.message == "gone");
  CHECK(rec.failed_at == t0);
  CHECK(rec.consecutive == previous + 1);
  CHECK(rec.retry_after == duration{42min});
}

TEST_CASE("transient failures back off exponentially up to transient_max",
          "[failure_record]") {
  retry_policy policy; // 5 s base, 5 min cap
  auto code = GENERATE(errc::out_of_memory, errc::load_failed, errc::timeout);
  CAPTURE(to_string(code));
  const duration expected[] = {5s,   10s,  20s,  40s,  80s,
                               160s, 300s, 300s, 300s, 300s};
  for (uint32_t previous = 0; previous < 10; ++previous) {
    CAPTURE(previous);
    auto rec = record_failure(policy, {code, "busy"}, t0, previous);
    CHECK(rec.consecutive == previous + 1);
    CHECK(rec.retry_after == expected[previous]);
  }
  // A very long streak neither overflows nor exceeds the cap.
  auto rec = record_failure(policy, {code, "busy"}, t0, 4'000'000'000u);
  CHECK(rec.retry_after == duration{policy.transient_max});
}

TEST_CASE("a custom retry policy shapes the back-off", "[failure_record]") {
  retry_policy policy;
  policy.transient_base = 3s;
  policy.transient_max = 10s;
  const duration expected[] = {3s, 6s, 10s, 10s};
  for (uint32_t previous = 0; previous < 4; ++previous) {
    CAPTURE(previous);
    auto rec = record_failure(policy, {errc::out_of_memory, ""}, t0, previous);
    CHECK(rec.retry_after == expected[previous]);
  }
}

TEST_CASE("may_retry turns true exactly when the record expires",
          "[failure_record]") {
  retry_policy policy;
  auto code = GENERATE(errc::model_not_found, errc::out_of_memory);
  auto previous = GENERATE(0u, 3u);
  CAPTURE(to_string(code), previous);
  auto rec = record_failure(policy, {code, "x"}, t0, previous);
  auto deadline = t0 + rec.retry_after;
  CHECK_FALSE(may_retry(rec, t0));
  CHECK_FALSE(may_retry(rec, deadline - tick));
  CHECK(may_retry(rec, deadline));
  CHECK(may_retry(rec, deadline + tick));
  CHECK(may_retry(rec, deadline + 24h));
}

TEST_CASE("refusal keeps the original error and points at a reset",
          "[failure_record]") {
  retry_policy policy;
  auto code = GENERATE(errc::model_not_found, errc::invalid_model_file,
                       errc::out_of_memory, errc::load_failed);
  CAPTURE(to_string(code));
  auto rec = record_failure(policy, {code, "the cause"}, t0, 0);
  auto err = refusal(rec, t0 + 1s);
  CHECK(err.code == code);
  CHECK_THAT(err.message, Catch::Matchers::StartsWith("the cause"));
  CHECK_THAT(err.message, Catch::Matchers::Contains("reset"));
}

TEST_CASE("refusal states the remaining time rounded up to seconds",
          "[failure_record]") {
  using Catch::Matchers::Contains;
  retry_policy policy; // 5 s for the first transient failure
  auto rec = record_failure(policy, {errc::out_of_memory, "oom"}, t0, 0);
  REQUIRE(rec.retry_after == duration{5s});
  auto message = [&](time_point now) { return refusal(rec, now).message; };
  // Fractional remainders round up.
  CHECK_THAT(message(t0 + 500ms), Contains("for another 5 s"));
  CHECK_THAT(message(t0 + 4500ms), Contains("for another 1 s"));
  CHECK_THAT(message(t0 + 5s - tick), Contains("for another 1 s"));
  // Whole seconds are reported as they are: 5 s left at the moment of the
  // failure, 3 s left two seconds later.
  CHECK_THAT(message(t0), Contains("for another 5 s"));
  CHECK_THAT(message(t0 + 2s), Contains("for another 3 s"));
  // A permanent failure stands for the whole hour.
  auto gone = record_failure(policy, {errc::model_not_found, "gone"}, t0, 0);
  CHECK_THAT(refusal(gone, t0).message, Contains("for another 3600 s"));
  CHECK_THAT(refusal(gone, t0 + 1ms).message, Contains("for another 3600 s"));
}
