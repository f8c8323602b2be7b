// The metrics move by exactly what the test caused.

#include <catch2/catch.hpp>

#include "http_fixture.hpp"

using namespace cmm;
using namespace cmm::test;

namespace {

double value_of(const std::map<std::string, double>& samples,
                const std::string& series) {
  auto i = samples.find(series);
  return i == samples.end() ? 0.0 : i->second;
}

} // namespace

TEST_CASE("counters count exactly the loads, failures and inferences caused",
          "[http][metrics]") {
  http_fixture f;
  auto before = f.scrape();
  const std::string echo = "{model=\"echo\",device=\"cpu\"";
  for (int i = 0; i < 3; ++i)
    REQUIRE(f.post("/v2/models/echo/infer", fp32_request({1}, {1.0f})).status ==
            200);
  // Refused by the model actor: a failed inference.
  REQUIRE(
      f.post("/v2/models/tiny/infer", fp32_request({1, 3}, {1, 2, 3})).status ==
      400);
  // The file is missing: one failed load, one refused acquire.
  REQUIRE(f.post("/v2/models/absent/infer", fp32_request({1}, {1})).status ==
          503);
  auto after = f.scrape();
  auto delta = [&](const std::string& series) {
    return value_of(after, series) - value_of(before, series);
  };
  CHECK(delta("cmm_model_inference_requests_total" + echo +
              ",outcome=\"success\"}") == 3);
  CHECK(delta("cmm_model_inference_requests_total" + echo +
              ",outcome=\"failure\"}") == 0);
  CHECK(delta("cmm_model_inference_requests_total{model=\"tiny\",device="
              "\"cpu\",outcome=\"failure\"}") == 1);
  CHECK(delta("cmm_model_inference_duration_seconds_count" + echo + "}") == 3);
  CHECK(delta("cmm_model_loads_total" + echo + "}") == 1);
  CHECK(delta("cmm_model_load_duration_seconds_count" + echo + "}") == 1);
  CHECK(delta("cmm_model_load_failures_total{model=\"absent\",device=\"cpu\","
              "code=\"model_not_found\"}") == 1);
  CHECK(delta("cmm_acquires_refused_total{code=\"model_not_found\"}") == 1);
  // Four acquires granted: three on echo, one on tiny.
  CHECK(delta("cmm_acquire_wait_duration_seconds_count") == 4);
  CHECK(value_of(after, "cmm_model_state" + echo + ",state=\"ready\"}") == 1);
  CHECK(value_of(after, "cmm_model_state" + echo + ",state=\"absent\"}") == 0);
  CHECK(value_of(after, "cmm_model_state{model=\"absent\",device=\"cpu\","
                        "state=\"failed\"}") == 1);
  CHECK(value_of(after, "cmm_model_resident_bytes" + echo + "}") == 1000);
  CHECK(value_of(after, "cmm_leases_outstanding") == 0);
  CHECK(value_of(after, "cmm_acquires_waiting") == 0);
  CHECK(value_of(after, "cmm_device_used_bytes{device=\"cpu\"}") >= 1000);
  CHECK(value_of(after, "cmm_device_capacity_bytes{device=\"cpu\"}") > 0);

  // An unload brings the state and the bytes back.
  REQUIRE(f.post("/v2/repository/models/echo/unload", "", {}, true).status ==
          200);
  auto unloaded = f.scrape();
  CHECK(value_of(unloaded, "cmm_model_state" + echo + ",state=\"absent\"}") ==
        1);
  CHECK(value_of(unloaded, "cmm_model_resident_bytes" + echo + "}") == 0);
}

TEST_CASE("every family has HELP and TYPE before its first event",
          "[http][metrics]") {
  http_fixture f;
  auto text = f.get("/metrics").body;
  for (auto family :
       {"cmm_model_state", "cmm_model_references", "cmm_model_resident_bytes",
        "cmm_model_loads_total", "cmm_model_load_failures_total",
        "cmm_model_load_duration_seconds", "cmm_model_inference_requests_total",
        "cmm_model_inference_duration_seconds", "cmm_device_capacity_bytes",
        "cmm_device_used_bytes", "cmm_device_reserved_bytes",
        "cmm_device_releasing_bytes", "cmm_evictions_total",
        "cmm_demotions_total", "cmm_promotions_total",
        "cmm_acquire_wait_duration_seconds", "cmm_acquires_refused_total",
        "cmm_leases_outstanding", "cmm_acquires_waiting"}) {
    CAPTURE(family);
    CHECK_THAT(text, Catch::Contains(std::string{"# HELP "} + family + " "));
    CHECK_THAT(text, Catch::Contains(std::string{"# TYPE "} + family + " "));
  }
  parse_exposition(text);
}
