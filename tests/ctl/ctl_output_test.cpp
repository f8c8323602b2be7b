// cmm-ctl's output pieces: JSON lines, tables, model and device views.

#include <cmath>
#include <cstdint>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "device_view.hpp"
#include "model_view.hpp"
#include "output.hpp"
#include "text_table.hpp"

using namespace cmm::ctl;
using nlohmann::json;
using nlohmann::ordered_json;

TEST_CASE("json_line keeps key order, escapes and writes NaN as null",
          "[ctl][output]") {
  ordered_json doc{{"s", "a \"quoted\"\\ line\n\tand \x01"},
                   {"t", true},
                   {"n", uint64_t{18446744073709551615ull}},
                   {"i", int64_t{-3}},
                   {"d", 0.25},
                   {"nan", std::nan("")},
                   {"a", {1, ordered_json::object(), ordered_json::array()}}};
  CHECK(json_line(doc) ==
        R"({"s":"a \"quoted\"\\ line\n\tand \u0001","t":true,)"
        R"("n":18446744073709551615,"i":-3,"d":0.25,"nan":null,)"
        R"("a":[1,{},[]]})");
  auto back = json::parse(json_line(doc));
  CHECK(back.at("s") == "a \"quoted\"\\ line\n\tand \x01");
  CHECK(back.at("nan").is_null());
  CHECK(back.at("a").size() == 3);
  CHECK(json_line({{"bad", "a\xff"}}) == "{\"bad\":\"a\xef\xbf\xbd\"}");
}

TEST_CASE("json::parse, as the tests use it, rejects what is not one "
          "document",
          "[ctl][output]") {
  CHECK_THROWS(json::parse(""));
  CHECK_THROWS(json::parse("{} {}"));
  CHECK_THROWS(json::parse("{\"a\":1,}"));
  CHECK_THROWS(json::parse("[1 2]"));
  CHECK_THROWS(json::parse("\"a\nb\""));
  CHECK_NOTHROW(json::parse(" {\"a\": [1, -2.5e3, null, true]}\n"));
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
  auto rows = models_json({m});
  REQUIRE(rows.size() == 1);
  auto& row = rows.at(0);
  CHECK(row.begin().key() == "name");
  for (auto key : {"name", "id", "path", "type", "device", "location", "dtype",
                   "state", "refs", "idle_seconds", "bytes", "load_seconds",
                   "warmup_seconds", "load_count", "variant", "pinned",
                   "last_error", "cast_note", "rss_growth_bytes"})
    CHECK(row.contains(key));
  CHECK(row.at("refs") == 2);
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
  auto devices = devices_json({limited, open});
  CHECK(devices.at(0).at("free") == 98e6);
  CHECK(devices.at(1).at("capacity").is_null());
  CHECK(devices.at(1).at("free").is_null());
  auto table = device_table({limited, open});
  CHECK_THAT(table, Catch::Contains("unlimited"));
  CHECK(device_table({}) == "(no devices in use)\n");
}
