// cmm-ctl's `hold` and the unloads it gets in the way of.

#include <chrono>
#include <csignal>

#include "ctl_fixture.hpp"

using namespace cmm::test;
using namespace std::chrono_literals;

TEST_CASE_METHOD(ctl_fixture,
                 "hold keeps one reference, which list shows, until it ends",
                 "[ctl]") {
  auto hold = start_ctl(node.operator_port(), {"hold", "alpha", "--for", "1s"});
  auto acquired = hold->wait_for_line("acquired alpha", 20s);
  REQUIRE(acquired);
  CHECK_THAT(*acquired, Catch::Contains("holding for 1s"));
  CHECK(listed("alpha").at("refs") == 1);
  auto done = hold->wait(20s);
  REQUIRE(done);
  CHECK(done->exit_code == 0);
  CHECK(done->err.empty());
  auto lines = lines_of(done->out);
  REQUIRE(lines.size() == 2);
  CHECK_THAT(lines[1], Catch::StartsWith("released alpha at "));
  CHECK_THAT(lines[1], Catch::EndsWith("; refs left 0"));
  CHECK(listed("alpha").at("refs") == 0);
}

TEST_CASE_METHOD(ctl_fixture,
                 "unload is refused while a lease is held and --force unloads",
                 "[ctl]") {
  auto hold =
      start_ctl(node.operator_port(), {"hold", "alpha", "--for", "60s"});
  REQUIRE(hold->wait_for_line("acquired alpha", 20s));
  auto refused = ctl({"unload", "alpha"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.out.empty());
  CHECK(lines_of(refused.err).size() == 1);
  CHECK(refused.err == "cmm-ctl: refused: 'alpha' is in use (1 reference(s) "
                       "held); --force unloads it anyway\n");
  auto as_json = ctl({"unload", "alpha", "--json"});
  CHECK(as_json.exit_code == 1);
  auto doc = json::parse(as_json.out);
  CHECK(doc.at("error").at("code") == "refused");
  CHECK_THAT(doc.at("error").at("message").get<std::string>(),
             Catch::Contains("in use"));
  CHECK(listed("alpha").at("state") == "ready");
  auto kept = ctl_json({"unload-all"});
  CHECK(kept.at("unloaded") == 0);
  CHECK(kept.at("kept_in_use") == 1);
  auto forced = ctl({"unload", "alpha", "--force"});
  CHECK(forced.exit_code == 0);
  CHECK(forced.out == "unloaded alpha (forced)\n");
  CHECK(listed("alpha").at("state") == "absent");
  // Interrupted, the hold still releases its (now retired) lease.
  hold->signal(SIGINT);
  auto done = hold->wait(20s);
  REQUIRE(done);
  CHECK(done->exit_code == 130);
  CHECK_THAT(done->out, Catch::Contains("interrupted: released alpha"));
}

TEST_CASE_METHOD(ctl_fixture, "hold --json prints one document at the end",
                 "[ctl]") {
  auto doc = ctl_json({"hold", "beta", "--for", "100ms"});
  CHECK(doc.at("model") == "beta");
  CHECK(doc.at("held_seconds") >= 0.1);
  CHECK(doc.at("refs_after") == 0);
  CHECK(doc.at("interrupted") == false);
  CHECK(doc.at("acquired_at").get<std::string>().size() == 24);
}
