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
  REQUIRE(doc["models"].is_array());
  REQUIRE(doc["models"].size() == 3);
  for (size_t i = 0; i < 3; ++i)
    CHECK(doc["models"][i]["state"].string() == "absent");
  CHECK(ctl({"list", "--loaded"}).out == "(no models)\n");
  CHECK(ctl_json({"list", "--loaded"})["models"].size() == 0);
  REQUIRE(ctl({"load", "alpha"}).exit_code == 0);
  auto loaded = ctl_json({"list", "--loaded"});
  REQUIRE(loaded["models"].size() == 1);
  CHECK(loaded["models"][0]["name"].string() == "alpha");
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
  CHECK(listed("mended")["state"].string() == "failed");
  auto reset = ctl({"reset", "mended"});
  INFO(reset.err);
  REQUIRE(reset.exit_code == 0);
  CHECK(reset.out ==
        "reset mended: its failed load is forgotten; the next acquire loads "
        "it\n");
  CHECK(ctl({"load", "mended"}).exit_code == 0);
  CHECK(listed("mended")["state"].string() == "ready");
  auto again = ctl({"reset", "mended", "--json"});
  CHECK(again.exit_code == 1);
  CHECK(parse_json(again.out)["error"]["message"].string() ==
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
  CHECK(doc["state"].string() == "ready");
  CHECK(doc["refs"].number() == 0);
  CHECK(doc["bytes"].number() == 2e6);
  CHECK(doc["location"].string() == "sim:0");
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
  CHECK(listed("alpha")["refs"].number() == 0);
  auto doc = ctl_json({"run", "beta", "--input", "int64:2x3"});
  CHECK(doc["model"].string() == "beta");
  CHECK(doc["input"]["dtype"].string() == "int64");
  REQUIRE(doc["outputs"].size() == 1);
  CHECK(doc["outputs"][0]["shape"].size() == 2);
  CHECK(doc["outputs"][0]["shape"][1].number() == 3);
  for (auto key : {"acquire_ms", "infer_ms", "release_ms"})
    CHECK(doc[key].number() >= 0);
  CHECK(doc["refs_after"].number() == 0);
  CHECK(listed("beta")["refs"].number() == 0);
}

TEST_CASE_METHOD(ctl_fixture, "unload-all answers how many it unloaded",
                 "[ctl]") {
  REQUIRE(ctl({"load", "alpha"}).exit_code == 0);
  REQUIRE(ctl({"load", "beta"}).exit_code == 0);
  auto doc = ctl_json({"unload-all"});
  CHECK(doc["unloaded"].number() == 2);
  CHECK(doc["kept_in_use"].number() == 0);
  CHECK(doc["force"].boolean() == false);
  CHECK(ctl_json({"list", "--loaded"})["models"].size() == 0);
  REQUIRE(ctl({"load", "alpha"}).exit_code == 0);
  auto text = ctl({"unload-all", "--force"});
  CHECK(text.exit_code == 0);
  CHECK(text.out == "unloaded 1 model(s)\n");
}

TEST_CASE_METHOD(ctl_fixture, "cleanup unloads nothing before the idle timeout",
                 "[ctl]") {
  REQUIRE(ctl({"load", "alpha"}).exit_code == 0);
  auto doc = ctl_json({"cleanup"});
  REQUIRE(doc["unloaded"].is_array());
  CHECK(doc["unloaded"].size() == 0);
  auto text = ctl({"cleanup"});
  CHECK(text.exit_code == 0);
  CHECK(text.out == "no model was idle past the idle timeout\n");
  CHECK(listed("alpha")["state"].string() == "ready");
}

TEST_CASE_METHOD(ctl_fixture, "devices reports every device's budget",
                 "[ctl]") {
  REQUIRE(ctl({"load", "alpha"}).exit_code == 0);
  REQUIRE(ctl({"load", "beta"}).exit_code == 0);
  auto doc = ctl_json({"devices"});
  auto& devices = doc["devices"];
  REQUIRE(devices.size() == 2);
  for (size_t i = 0; i < devices.size(); ++i)
    for (auto key : {"device", "capacity", "used", "reserved", "releasing",
                     "free", "resident"})
      CHECK(devices[i].contains(key));
  // Sorted by device name: sim:0 has a 100 MB budget, sim:1 none.
  CHECK(devices[0]["device"].string() == "sim:0");
  CHECK(devices[0]["capacity"].number() == 100e6);
  CHECK(devices[0]["used"].number() == 2e6);
  CHECK(devices[0]["free"].number() == 98e6);
  CHECK(devices[0]["resident"].number() == 1);
  CHECK(devices[1]["device"].string() == "sim:1");
  CHECK(devices[1]["capacity"].is_null());
  CHECK(devices[1]["used"].number() == 3e6);
  auto table = lines_of(ctl({"devices"}).out);
  REQUIRE(table.size() == 3);
  CHECK(std::regex_search(table[1], std::regex{R"(^sim:0 +100\.0 +2\.0 )"}));
  CHECK_THAT(table[2], Catch::Contains("unlimited"));
}
