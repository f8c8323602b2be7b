// cmm-ctl's verbs against a real cmm-node: queries and model lifecycle.

#include <regex>

#include "ctl_fixture.hpp"

using namespace cmm::test;

TEST_CASE_METHOD(ctl_fixture,
                 "list shows the whole catalog on a fresh node, --loaded "
                 "only what is ready",
                 "[ctl]") {
  auto text = ctl({"list"});
  CHECK(text.exit_code == 0);
  CHECK(text.err.empty());
  auto table = lines_of(text.out);
  REQUIRE(table.size() == 4);
  CHECK(std::regex_search(table[1], std::regex{R"(^alpha +absent +0 )"}));
  auto doc = ctl_json({"list"});
  REQUIRE(doc.at("models").is_array());
  REQUIRE(doc.at("models").size() == 3);
  for (size_t i = 0; i < 3; ++i)
    CHECK(doc.at("models").at(i).at("state") == "absent");
  CHECK(ctl({"list", "--loaded"}).out == "(no models)\n");
  CHECK(ctl_json({"list", "--loaded"}).at("models").size() == 0);
  REQUIRE(ctl({"load", "alpha"}).exit_code == 0);
  auto loaded = ctl_json({"list", "--loaded"});
  REQUIRE(loaded.at("models").size() == 1);
  CHECK(loaded.at("models").at(0).at("name") == "alpha");
}

TEST_CASE_METHOD(ctl_fixture,
                 "reset forgets a failed load, so a mended file loads",
                 "[ctl]") {
  auto failed = ctl({"load", "mended"});
  CHECK(failed.exit_code == 1);
  CHECK_THAT(failed.err, Catch::Contains("invalid_model_file"));
  // Refused for now without trying the file again.
  CHECK_THAT(ctl({"load", "mended"}).err,
             Catch::Contains("invalid_model_file"));
  CHECK(listed("mended").at("state") == "failed");
  auto reset = ctl({"reset", "mended"});
  INFO(reset.err);
  REQUIRE(reset.exit_code == 0);
  CHECK(reset.out ==
        "reset mended: its failed load is forgotten; the next acquire loads "
        "it\n");
  CHECK(ctl({"load", "mended"}).exit_code == 0);
  CHECK(listed("mended").at("state") == "ready");
  auto again = ctl({"reset", "mended", "--json"});
  CHECK(again.exit_code == 1);
  CHECK(json::parse(again.out).at("error").at("message") ==
        "nothing to reset: 'mended' is ready, not failed");
}

TEST_CASE_METHOD(ctl_fixture, "load makes a model ready with no references",
                 "[ctl]") {
  auto loaded = ctl({"load", "alpha"});
  INFO(loaded.err);
  REQUIRE(loaded.exit_code == 0);
  CHECK(loaded.out.rfind("loaded alpha on sim:0 as bf16: 2.0 MB", 0) == 0);
  auto info = ctl({"info", "alpha"});
  REQUIRE(info.exit_code == 0);
  CHECK_THAT(info.out, Catch::Contains("state:          ready\n"));
  CHECK_THAT(info.out, Catch::Contains("refs:           0\n"));
  auto doc = ctl_json({"info", "alpha"});
  CHECK(doc.at("state") == "ready");
  CHECK(doc.at("refs") == 0);
  CHECK(doc.at("bytes") == 2e6);
  CHECK(doc.at("location") == "sim:0");
  auto table = lines_of(ctl({"list", "--loaded"}).out);
  REQUIRE(table.size() == 2);
  CHECK(std::regex_search(
      table[1], std::regex{R"(^alpha +ready +0 +\S+ +2\.0 +sim:0 )"}));
}

TEST_CASE_METHOD(ctl_fixture,
                 "run prints acquire, infer and release timings and returns "
                 "its lease",
                 "[ctl]") {
  auto run = ctl({"run", "alpha"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto lines = lines_of(run.out);
  REQUIRE(lines.size() == 7);
  CHECK(lines[1] == "input    fp32 [1x64]");
  CHECK(lines[2] == "output   bf16 [1x64]");
  std::regex timing{R"(^(acquire|infer|release) +[0-9]+\.[0-9]{3} ms$)"};
  CHECK(std::regex_match(lines[3], timing));
  CHECK(std::regex_match(lines[4], timing));
  CHECK(std::regex_match(lines[5], timing));
  CHECK(lines[6] == "refs     0 after release");
  CHECK(listed("alpha").at("refs") == 0);
  auto doc = ctl_json({"run", "beta", "--input", "int64:2x3"});
  CHECK(doc.at("model") == "beta");
  CHECK(doc.at("input").at("dtype") == "int64");
  REQUIRE(doc.at("outputs").size() == 1);
  CHECK(doc.at("outputs").at(0).at("shape").size() == 2);
  CHECK(doc.at("outputs").at(0).at("shape").at(1) == 3);
  for (auto key : {"acquire_ms", "infer_ms", "release_ms"})
    CHECK(doc.at(key) >= 0);
  CHECK(doc.at("refs_after") == 0);
  CHECK(listed("beta").at("refs") == 0);
}

TEST_CASE_METHOD(ctl_fixture,
                 "run --fused acquires, infers and releases in one request",
                 "[ctl]") {
  auto run = ctl({"run", "alpha", "--fused"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto lines = lines_of(run.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "model    alpha (fused run)");
  CHECK(lines[1] == "input    fp32 [1x64]");
  CHECK(lines[2] == "output   bf16 [1x64]");
  CHECK(
      std::regex_match(lines[3], std::regex{R"(^run +[0-9]+\.[0-9]{3} ms$)"}));
  auto doc = ctl_json({"run", "beta", "--fused", "--input", "int64:2x3"});
  CHECK(doc.at("model") == "beta");
  CHECK(doc.at("fused") == true);
  REQUIRE(doc.at("outputs").size() == 1);
  CHECK(doc.at("outputs").at(0).at("shape").at(1) == 3);
  CHECK(doc.at("run_ms") >= 0);
  CHECK(listed("alpha").at("refs") == 0);
  CHECK(listed("beta").at("refs") == 0);
  auto missing = ctl({"run", "nope", "--fused"});
  CHECK(missing.exit_code == 1);
}

TEST_CASE_METHOD(ctl_fixture, "unload-all answers how many it unloaded",
                 "[ctl]") {
  REQUIRE(ctl({"load", "alpha"}).exit_code == 0);
  REQUIRE(ctl({"load", "beta"}).exit_code == 0);
  auto doc = ctl_json({"unload-all"});
  CHECK(doc.at("unloaded") == 2);
  CHECK(doc.at("kept_in_use") == 0);
  CHECK(doc.at("force") == false);
  CHECK(ctl_json({"list", "--loaded"}).at("models").size() == 0);
  REQUIRE(ctl({"load", "alpha"}).exit_code == 0);
  auto text = ctl({"unload-all", "--force"});
  CHECK(text.exit_code == 0);
  CHECK(text.out == "unloaded 1 model(s)\n");
}

TEST_CASE_METHOD(ctl_fixture, "cleanup unloads nothing before the idle timeout",
                 "[ctl]") {
  REQUIRE(ctl({"load", "alpha"}).exit_code == 0);
  auto doc = ctl_json({"cleanup"});
  REQUIRE(doc.at("unloaded").is_array());
  CHECK(doc.at("unloaded").size() == 0);
  auto text = ctl({"cleanup"});
  CHECK(text.exit_code == 0);
  CHECK(text.out == "no model was idle past the idle timeout\n");
  CHECK(listed("alpha").at("state") == "ready");
}

TEST_CASE_METHOD(ctl_fixture, "devices reports every device's budget",
                 "[ctl]") {
  REQUIRE(ctl({"load", "alpha"}).exit_code == 0);
  REQUIRE(ctl({"load", "beta"}).exit_code == 0);
  auto doc = ctl_json({"devices"});
  auto& devices = doc.at("devices");
  REQUIRE(devices.size() == 2);
  for (size_t i = 0; i < devices.size(); ++i)
    for (auto key : {"device", "capacity", "used", "reserved", "releasing",
                     "free", "resident"})
      CHECK(devices.at(i).contains(key));
  // Sorted by device name: sim:0 has a 100 MB budget, sim:1 none.
  CHECK(devices.at(0).at("device") == "sim:0");
  CHECK(devices.at(0).at("capacity") == 100e6);
  CHECK(devices.at(0).at("used") == 2e6);
  CHECK(devices.at(0).at("free") == 98e6);
  CHECK(devices.at(0).at("resident") == 1);
  CHECK(devices.at(1).at("device") == "sim:1");
  CHECK(devices.at(1).at("capacity").is_null());
  CHECK(devices.at(1).at("used") == 3e6);
  auto table = lines_of(ctl({"devices"}).out);
  REQUIRE(table.size() == 3);
  CHECK(std::regex_search(table[1], std::regex{R"(^sim:0 +100\.0 +2\.0 )"}));
  CHECK_THAT(table[2], Catch::Contains("unlimited"));
}
