#include "cmm/metric_registry.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "cmm/manager_metrics.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos ||
         text.rfind(line + "\n", 0) == 0;
}

} // namespace

TEST_CASE("a family renders its HELP, TYPE and series", "[metrics]") {
  metric_registry r;
  r.declare("x_total", metric_type::counter, "Things\\counted\nhere",
            {"model"});
  r.declare("y", metric_type::gauge, "A level");
  r.counter("x_total", {"a\"b\\c\nd"}).add(3);
  r.gauge("y").set(-5);
  auto text = r.render();
  CHECK(has_line(text, "# HELP x_total Things\\\\counted\\nhere"));
  CHECK(has_line(text, "# TYPE x_total counter"));
  CHECK(has_line(text, "x_total{model=\"a\\\"b\\\\c\\nd\"} 3"));
  CHECK(has_line(text, "# TYPE y gauge"));
  CHECK(has_line(text, "y -5"));
}

TEST_CASE("a family without series still has HELP and TYPE", "[metrics]") {
  metric_registry r;
  r.declare("z_total", metric_type::counter, "Nothing yet", {"code"});
  auto text = r.render();
  CHECK(text == "# HELP z_total Nothing yet\n# TYPE z_total counter\n");
}

TEST_CASE("histogram buckets are cumulative and count equals +Inf",
          "[metrics]") {
  metric_registry r;
  r.declare("d_seconds", metric_type::histogram, "Durations");
  auto& h = r.histogram("d_seconds");
  h.observe(50us); // first bucket (0.0001)
  h.observe(2ms);  // 0.0025
  h.observe(2ms);  // 0.0025
  h.observe(100s); // +Inf only
  h.observe(-1ms); // clamps to 0: first bucket
  auto text = r.render();
  CHECK(has_line(text, "d_seconds_bucket{le=\"0.0001\"} 2"));
  CHECK(has_line(text, "d_seconds_bucket{le=\"0.001\"} 2"));
  CHECK(has_line(text, "d_seconds_bucket{le=\"0.0025\"} 4"));
  CHECK(has_line(text, "d_seconds_bucket{le=\"30\"} 4"));
  CHECK(has_line(text, "d_seconds_bucket{le=\"+Inf\"} 5"));
  CHECK(has_line(text, "d_seconds_count 5"));
  CHECK(has_line(text, "d_seconds_sum 100.00405"));
}

TEST_CASE("using a family as it was not declared is a defect", "[metrics]") {
  metric_registry r;
  r.declare("c_total", metric_type::counter, "C", {"a"});
  CHECK_THROWS_AS(r.counter("nope"), std::logic_error);
  CHECK_THROWS_AS(r.gauge("c_total", {"x"}), std::logic_error);
  CHECK_THROWS_AS(r.counter("c_total"), std::logic_error);
  CHECK_THROWS_AS(r.counter("c_total", {"x", "y"}), std::logic_error);
}

TEST_CASE("the same labels find the same series", "[metrics]") {
  metric_registry r;
  r.declare("c_total", metric_type::counter, "C", {"a"});
  CHECK(&r.counter("c_total", {"x"}) == &r.counter("c_total", {"x"}));
  CHECK(&r.counter("c_total", {"x"}) != &r.counter("c_total", {"y"}));
}

TEST_CASE("threads recording at once lose no count", "[metrics]") {
  metric_registry r;
  r.declare("c_total", metric_type::counter, "C", {"t"});
  r.declare("h_seconds", metric_type::histogram, "H");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&r, t] {
      for (int i = 0; i < 10000; ++i) {
        r.counter("c_total", {std::to_string(t % 2)}).add();
        r.histogram("h_seconds").observe(1ms);
        if (i % 1000 == 0)
          r.render();
      }
    });
  for (auto& t : threads)
    t.join();
  CHECK(r.counter("c_total", {"0"}).value() == 20000);
  CHECK(r.counter("c_total", {"1"}).value() == 20000);
  CHECK(has_line(r.render(), "h_seconds_count 40000"));
}

TEST_CASE("a model's state gauges show exactly one state", "[metrics]") {
  manager_metrics m;
  auto& series = m.model("base", "cpu");
  CHECK(&series == &m.model("base", "cpu"));
  series.entered(entry_state::loading);
  auto text = m.render();
  CHECK(has_line(text, "cmm_model_state{model=\"base\",device=\"cpu\","
                       "state=\"loading\"} 1"));
  CHECK(has_line(text, "cmm_model_state{model=\"base\",device=\"cpu\","
                       "state=\"absent\"} 0"));
  series.entered(entry_state::ready);
  text = m.render();
  CHECK(has_line(text, "cmm_model_state{model=\"base\",device=\"cpu\","
                       "state=\"ready\"} 1"));
  CHECK(has_line(text, "cmm_model_state{model=\"base\",device=\"cpu\","
                       "state=\"loading\"} 0"));
  m.load_failed(series, errc::model_not_found);
  m.acquire_refused(errc::timeout);
  m.evicted("cuda:0", eviction_policy::lru);
  text = m.render();
  CHECK(has_line(text, "cmm_model_load_failures_total{model=\"base\","
                       "device=\"cpu\",code=\"model_not_found\"} 1"));
  CHECK(has_line(text, "cmm_acquires_refused_total{code=\"timeout\"} 1"));
  CHECK(has_line(text,
                 "cmm_evictions_total{device=\"cuda:0\",policy=\"lru\"} 1"));
}
