// cmm-ctl's output pieces: JSON writing, tables, model and device views.

#include <cmath>
#include <cstdint>

#include <catch2/catch.hpp>

#include "cmm/json_writer.hpp"
#include "device_view.hpp"
#include "json_reader.hpp"
#include "model_view.hpp"
#include "text_table.hpp"

using namespace cmm::ctl;
using cmm::json_writer;
using cmm::test::parse_json;

TEST_CASE("json_writer separates, nests and escapes", "[ctl][output]") {
  json_writer out;
  out.begin_object()
      .field("s", "a \"quoted\"\\ line\n\tand \x01")
      .field("t", true)
      .field("n", uint64_t{18446744073709551615ull})
      .field("i", int64_t{-3})
      .field("d", 0.25)
      .field("nan", std::nan(""))
      .key("a")
      .begin_array()
      .value(1)
      .begin_object()
      .end_object()
      .begin_array()
      .end_array()
      .end_array()
      .end_object();
  CHECK(out.str() == R"({"s":"a \"quoted\"\\ line\n\tand \u0001","t":true,)"
                     R"("n":18446744073709551615,"i":-3,"d":0.25,"nan":null,)"
                     R"("a":[1,{},[]]})");
  auto doc = parse_json(out.str());
  CHECK(doc["s"].string() == "a \"quoted\"\\ line\n\tand \x01");
  CHECK(doc["nan"].is_null());
  CHECK(doc["a"].size() == 3);
}

TEST_CASE("the JSON reader rejects what is not one document", "[ctl][output]") {
  CHECK_THROWS(parse_json(""));
  CHECK_THROWS(parse_json("{} {}"));
  CHECK_THROWS(parse_json("{\"a\":1,}"));
  CHECK_THROWS(parse_json("[1 2]"));
  CHECK_THROWS(parse_json("\"a\nb\""));
  CHECK_NOTHROW(parse_json(" {\"a\": [1, -2.5e3, null, true]}\n"));
}

TEST_CASE("text_table pads columns and right-aligns numbers", "[ctl][output]") {
  text_table table{{{"name"}, {"n", text_table::align::right}, {"note"}}};
  table.add_row({"alpha", "1", "x"});
  table.add_row({"b", "100", ""});
  CHECK(table.render() == "name     n  note\n"
                          "alpha    1  x\n"
                          "b      100  \n");
  CHECK_THROWS(table.add_row({"too", "few"}));
}

TEST_CASE("model views: every field in JSON, a table, details",
          "[ctl][output]") {
  cmm::model_info m;
  m.name = "alpha";
  m.id = "alpha";
  m.device = "sim:0";
  m.location = "sim:0";
  m.state = "ready";
  m.refs = 2;
  m.bytes = 2'500'000;
  m.idle_seconds = 1.25;
  json_writer out;
  write_models(out, {m});
  auto doc = parse_json(out.str());
  auto& row = doc["models"][0];
  for (auto key : {"name", "id", "path", "type", "device", "location", "dtype",
                   "state", "refs", "idle_seconds", "bytes", "load_seconds",
                   "warmup_seconds", "load_count", "variant", "pinned",
                   "last_error", "cast_note", "rss_growth_bytes"})
    CHECK(row.contains(key));
  CHECK(row["refs"].number() == 2);
  CHECK(model_table({}, true) == "(no models)\n");
  CHECK(model_table({m}, false) == "name   state  refs  idle s   MB  device\n"
                                   "alpha  ready     2     1.2  2.5  sim:0\n");
  CHECK_THAT(model_details(m), Catch::Contains("refs:           2\n"));
  CHECK_THAT(model_details(m), !Catch::Contains("cast:"));
  m.cast_note = "the bf16 cast failed its warmup (...): loaded as saved";
  CHECK_THAT(model_details(m),
             Catch::Contains("cast:           the bf16 cast failed"));
}

TEST_CASE("device views: an unlimited budget is null and 'unlimited'",
          "[ctl][output]") {
  cmm::device_budget limited{"sim:0", 100'000'000, 2'000'000, 0, 0, 1};
  cmm::device_budget open{"sim:1", UINT64_MAX, 0, 0, 0, 0};
  json_writer out;
  write_devices(out, {limited, open});
  auto doc = parse_json(out.str());
  CHECK(doc["devices"][0]["free"].number() == 98e6);
  CHECK(doc["devices"][1]["capacity"].is_null());
  CHECK(doc["devices"][1]["free"].is_null());
  auto table = device_table({limited, open});
  CHECK_THAT(table, Catch::Contains("unlimited"));
  CHECK(device_table({}) == "(no devices in use)\n");
}
