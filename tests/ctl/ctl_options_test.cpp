// cmm-ctl's command line, parsed without a node.

#include <catch2/catch.hpp>

#include "ctl_error.hpp"
#include "ctl_options.hpp"
#include "time_text.hpp"

using namespace cmm::ctl;
using namespace std::chrono_literals;

namespace {

exit_code usage_failure(const std::vector<std::string>& args) {
  try {
    parse_ctl_options(args);
  } catch (const ctl_error& err) {
    return err.code();
  }
  return exit_code::ok;
}

} // namespace

TEST_CASE("global options come before or after the verb, with = or not",
          "[ctl][options]") {
  auto opts = parse_ctl_options({"--host=10.0.0.2", "--port", "4242", "list",
                                 "--json", "--timeout=2.5s"});
  CHECK(opts.host == "10.0.0.2");
  CHECK(opts.port == 4242);
  CHECK(opts.json);
  CHECK(opts.timeout == 2500ms);
  CHECK(opts.command == verb::list);
}

TEST_CASE("defaults: loopback, 10 s timeout, fp32 [1,64] input",
          "[ctl][options]") {
  auto opts = parse_ctl_options({"--port=1", "run", "base"});
  CHECK(opts.host == "127.0.0.1");
  CHECK(opts.timeout == 10s);
  CHECK_FALSE(opts.json);
  CHECK(opts.command == verb::run);
  CHECK(opts.model == "base");
  CHECK(opts.input.type == cmm::dtype::f32);
  CHECK(opts.input.shape == std::vector<int64_t>{1, 64});
}

TEST_CASE("verb options are parsed and checked against the verb",
          "[ctl][options]") {
  auto hold = parse_ctl_options({"--port=1", "hold", "m", "--for", "5s"});
  CHECK(hold.command == verb::hold);
  CHECK(hold.hold_for == 5s);
  auto watch = parse_ctl_options(
      {"--port=1", "watch", "--interval=250ms", "--count", "3"});
  CHECK(watch.interval == 250ms);
  REQUIRE(watch.count);
  CHECK(*watch.count == 3);
  auto unload = parse_ctl_options({"--port=1", "unload", "m", "--force"});
  CHECK(unload.force);
  auto run = parse_ctl_options({"--port=1", "run", "m", "--input=int64:2x3"});
  CHECK(run.input.type == cmm::dtype::i64);
  CHECK(run.input.shape == std::vector<int64_t>{2, 3});
  CHECK_FALSE(run.fused);
  CHECK(parse_ctl_options({"--port=1", "run", "m", "--fused"}).fused);
  CHECK(parse_ctl_options({"--port=1", "unload-all"}).command ==
        verb::unload_all);
}

TEST_CASE("mistakes are usage errors", "[ctl][options]") {
  CHECK(usage_failure({"--port=1"}) == exit_code::usage);
  CHECK(usage_failure({"list"}) == exit_code::usage); // no --port
  CHECK(usage_failure({"--port=70000", "list"}) == exit_code::usage);
  CHECK(usage_failure({"--port=1", "info"}) == exit_code::usage);
  CHECK(usage_failure({"--port=1", "list", "x"}) == exit_code::usage);
  CHECK(usage_failure({"--port=1", "list", "--force"}) == exit_code::usage);
  CHECK(usage_failure({"--port=1", "hold", "m"}) == exit_code::usage);
  CHECK(usage_failure({"--port=1", "hold", "m", "--for"}) == exit_code::usage);
  CHECK(usage_failure({"--port=1", "run", "m", "--input", "fp32:1x64*3"}) ==
        exit_code::usage);
  CHECK(usage_failure({"--port=1", "--json=yes", "list"}) == exit_code::usage);
  CHECK(usage_failure({"--port=1", "watch", "--count=-1"}) == exit_code::usage);
  CHECK(usage_failure({"--port=1", "watch", "--interval=0s"}) ==
        exit_code::usage);
}

TEST_CASE("--help needs nothing else", "[ctl][options]") {
  CHECK(parse_ctl_options({"--help"}).help);
  CHECK(parse_ctl_options({"-h", "frobnicate"}).help);
}

TEST_CASE("a MODEL with a slash or a .pt suffix is a path", "[ctl][options]") {
  CHECK(looks_like_path("sim://x?bytes=1"));
  CHECK(looks_like_path("models/base.pt"));
  CHECK(looks_like_path("base.pt"));
  CHECK_FALSE(looks_like_path("base"));
  CHECK_FALSE(looks_like_path("custom_voice"));
}

TEST_CASE("durations", "[ctl][options]") {
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("5s") == 5s);
  CHECK(parse_duration("5") == 5s);
  CHECK(parse_duration("1.5s") == 1500ms);
  CHECK(parse_duration("2m") == 120s);
  CHECK(parse_duration("1h") == 3600s);
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration("5 s"));
  CHECK_FALSE(parse_duration("1.2.3s"));
  CHECK_FALSE(parse_duration("1e30h"));
  CHECK_FALSE(parse_duration("99999999999999999999"));
  CHECK(to_text(250ms) == "250ms");
  CHECK(to_text(5s) == "5s");
  CHECK(to_text(1500ms) == "1.5s");
}
