// cmm-ctl watch: a bounded number of refreshes, as JSON lines or frames.

#include <csignal>

#include "ctl_fixture.hpp"

using namespace cmm::test;

TEST_CASE_METHOD(ctl_fixture,
                 "watch --count 2 --json prints two documents, one per line",
                 "[ctl]") {
  REQUIRE(ctl({"load", "alpha"}).exit_code == 0);
  auto result = ctl({"watch", "--count", "2", "--interval", "50ms", "--json"});
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  auto lines = lines_of(result.out);
  REQUIRE(lines.size() == 2);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto doc = json::parse(lines[i]);
    CHECK(doc.at("refresh") == static_cast<double>(i + 1));
    REQUIRE(doc.at("models").size() == 1);
    CHECK(doc.at("models").at(0).at("name") == "alpha");
    CHECK(doc.at("models").at(0).at("state") == "ready");
  }
}

TEST_CASE_METHOD(ctl_fixture, "watch into a pipe prints one table per refresh",
                 "[ctl]") {
  REQUIRE(ctl({"load", "beta"}).exit_code == 0);
  auto result = ctl({"watch", "--count", "2", "--interval", "50ms"});
  REQUIRE(result.exit_code == 0);
  // Not a terminal: no cursor movement, frames separated by a blank line.
  CHECK(result.out.find('\x1b') == std::string::npos);
  auto lines = lines_of(result.out);
  REQUIRE(lines.size() == 7);
  CHECK_THAT(lines[0], Catch::Contains("(1 of 2)"));
  CHECK(lines[1].rfind("name", 0) == 0);
  CHECK(lines[2].rfind("beta", 0) == 0);
  CHECK(lines[3].empty());
  CHECK_THAT(lines[4], Catch::Contains("(2 of 2)"));
}

TEST_CASE_METHOD(ctl_fixture,
                 "a node that dies ends watch with one line and exit status 3",
                 "[ctl]") {
  using namespace std::chrono_literals;
  auto watch = start_ctl(node.operator_port(),
                         {"watch", "--interval", "100ms", "--json"});
  REQUIRE(watch->wait_for_line("\"refresh\":1", 20s));
  node.process().signal(SIGKILL);
  auto done = watch->wait(20s);
  REQUIRE(done);
  CHECK(done->exit_code == 3);
  auto lines = lines_of(done->err);
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::StartsWith("cmm-ctl: lost the node at "));
}
