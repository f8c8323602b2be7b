// cmm-ctl's failures: each one exits non-zero with one line on stderr.

#include "ctl_fixture.hpp"

using namespace cmm::test;

namespace {

/// Requires a failure with `code` and exactly one stderr line, and returns
/// that line.
std::string one_error_line(const process_result& result, int code) {
  INFO("stdout: " << result.out << "stderr: " << result.err);
  CHECK(result.exit_code == code);
  CHECK(result.out.empty());
  auto lines = lines_of(result.err);
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::StartsWith("cmm-ctl: "));
  return lines[0];
}

} // namespace

TEST_CASE_METHOD(ctl_fixture, "an unknown model is reported as unknown_model",
                 "[ctl]") {
  auto line = one_error_line(ctl({"info", "nope"}), 1);
  CHECK_THAT(line, Catch::Contains("unknown_model"));
  CHECK_THAT(line, Catch::Contains("'nope'"));
  CHECK_THAT(one_error_line(ctl({"unload", "nope"}), 1),
             Catch::Contains("unknown_model"));
}

TEST_CASE_METHOD(ctl_fixture, "a path as MODEL is refused with not_permitted",
                 "[ctl]") {
  for (auto verb : {"load", "run"}) {
    INFO(verb);
    auto line = one_error_line(ctl({verb, "sim://sneaky?bytes=10"}), 1);
    CHECK_THAT(line, Catch::Contains("not_permitted"));
  }
  auto line = one_error_line(ctl({"hold", "models/base.pt", "--for", "1s"}), 1);
  CHECK_THAT(line, Catch::Contains("not_permitted"));
  CHECK(listed("sim://sneaky?bytes=10").is_null());
  CHECK(listed("models/base.pt").is_null());
}

TEST_CASE_METHOD(ctl_fixture,
                 "with --json every failure is one JSON document on stdout "
                 "as well as one line on stderr",
                 "[ctl]") {
  struct failing {
    std::vector<std::string> args;
    int exit_code;
    std::string code;
  };
  auto unreachable = unused_port();
  for (auto& c : std::vector<failing>{
           {{"run", "nope", "--json"}, 1, "unknown_model"},
           {{"info", "--json"}, 2, "usage"},
           {{"load", "mended", "--json"}, 1, "invalid_model_file"},
       }) {
    INFO(c.args[0]);
    auto result = ctl(c.args);
    CHECK(result.exit_code == c.exit_code);
    CHECK(lines_of(result.err).size() == 1);
    auto doc = json::parse(result.out);
    CHECK(doc.at("error").at("code") == c.code);
    CHECK_THAT("cmm-ctl: " + doc.at("error").at("message").get<std::string>() +
                   "\n",
               Catch::Equals(result.err));
  }
  auto lost = run_ctl(unreachable, {"list", "--json"});
  CHECK(lost.exit_code == 3);
  CHECK(json::parse(lost.out).at("error").at("code") == "unreachable");
}

TEST_CASE("an unreachable node is one line and exit status 3", "[ctl]") {
  auto port = unused_port();
  auto line = one_error_line(run_ctl(port, {"list"}), 3);
  CHECK_THAT(line,
             Catch::StartsWith("cmm-ctl: cannot reach node at 127.0.0.1:" +
                               std::to_string(port) + ": "));
}

TEST_CASE("bad usage is one line with the synopsis and exit status 2",
          "[ctl]") {
  auto port = unused_port();
  auto cases = std::vector<std::vector<std::string>>{
      {},
      {"frobnicate"},
      {"info"},
      {"list", "extra"},
      {"list", "--force"},
      {"hold", "alpha"},
      {"run", "alpha", "--input", "fp32:axb"},
      {"watch", "--interval", "soon"},
      {"list", "--no-such-option"},
  };
  for (auto& args : cases) {
    INFO(args.size());
    auto line = one_error_line(run_ctl(port, args), 2);
    CHECK_THAT(line, Catch::Contains("usage: cmm-ctl"));
  }
}

TEST_CASE("--help prints the verbs and exits 0", "[ctl]") {
  auto result = run_ctl(1, {"--help"});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  for (auto verb :
       {"list", "info MODEL", "load MODEL", "unload MODEL", "unload-all",
        "cleanup", "devices", "run MODEL", "hold MODEL --for D", "watch"})
    CHECK_THAT(result.out, Catch::Contains(verb));
}
