// cmm-node refuses a config that lies: unknown keys, values of the wrong
// type, catalog entries that cannot resolve, syntax errors and a missing
// file each stop it at start with one line and exit status 2.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "../temp_directory.hpp"
#include "support/child_process.hpp"

using namespace std::chrono_literals;

namespace {

struct node_run {
  int exit_code = -1;
  std::string out;
};

node_run run_node(const std::vector<std::string>& args) {
  std::vector<std::string> argv{CMM_NODE_PROGRAM};
  argv.insert(argv.end(), args.begin(), args.end());
  cmm::test::child_process node{argv};
  auto done = node.wait(15s);
  REQUIRE(done);
  return {done->exit_code, node.out()};
}

node_run run_with_config(const cmm::test::temp_directory& dir,
                         const std::string& ini) {
  auto path = dir.file("node.ini");
  std::ofstream{path} << ini;
  return run_node({"--config-file=" + path});
}

struct config_case {
  const char* what;
  std::string ini;
  /// What the line says after `cmm-node: FILE`.
  std::string says;
};

} // namespace

TEST_CASE("a config that lies stops cmm-node with one line naming the file "
          "and the key, and exit status 2",
          "[node][config]") {
  auto c = GENERATE(values<config_case>({
      {"a misspelled key", "[cmm]\nidle-timout=5s\n",
       ": cmm.idle-timout: unknown key (did you mean "
       "cmm.idle-timeout?)"},
      {"a misspelled node key", "[node]\nprot=7123\n",
       ": node.prot: unknown key (did you mean node.port?)"},
      {"a port as a string", "[node]\nport=\"7123\"\n",
       ": node.port: expected "},
      {"a timeout that is no duration", "[cmm]\nidle-timeout=\"abc\"\n",
       ": cmm.idle-timeout: expected "},
      {"an unknown section", "[cmm.extra]\nx=1\n",
       ": cmm.extra: unknown section"},
      {"a catalog line that is no string", "[cmm.models]\nx=7\n",
       ": cmm.models.x: expected a string"},
      {"a catalog dtype that does not exist",
       "[cmm.models]\nx=\"sim://x,base,cpu,fp64\"\n", ": cmm.models.x: "},
      {"a catalog device that does not exist",
       "[cmm.models]\nx=\"sim://x,base,gpu7\"\n", ": cmm.models.x: "},
      {"a catalog option that does not exist",
       "[cmm.models]\nx=\"sim://x,base,cpu,fp32,turbo\"\n",
       ": cmm.models.x: expected"},
      {"a peer that is not HOST:PORT",
       "[cluster]\nport=7400\npeers=[\"nohost\"]\n",
       ": cluster.peers: 'nohost' is not HOST:PORT"},
      {"a syntax error", "[cmm]\nidle-timeout=5s\n  x x\n", ":3:"},
  }));
  CAPTURE(c.what);
  cmm::test::temp_directory dir;
  auto file = dir.file("node.ini");
  auto run = run_with_config(dir, c.ini);
  INFO(run.out);
  CHECK(run.exit_code == 2);
  REQUIRE(std::count(run.out.begin(), run.out.end(), '\n') == 1);
  CHECK_THAT(run.out, Catch::StartsWith("cmm-node: " + file + c.says));
}

TEST_CASE("a missing config file is one plain sentence", "[node][config]") {
  auto run = run_node({"--config-file=/nonexistent/node.ini"});
  CHECK(run.exit_code == 2);
  CHECK(run.out == "cmm-node: cannot open the config file "
                   "'/nonexistent/node.ini'\n");
}

TEST_CASE("cmm-node --dump-config shows the catalog as parsed",
          "[node][config]") {
  cmm::test::temp_directory dir;
  auto path = dir.file("node.ini");
  std::ofstream{path} << "[cmm]\ndtype=\"fp16\"\n[cmm.models]\n"
                         "a=\"sim://a?bytes=10,base,sim:0,,pin,"
                         "load-timeout=90s\"\n";
  auto run = run_node({"--config-file=" + path, "--dump-config"});
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("# the catalog as cmm-node parsed it\n"
                                      "cmm.models.a: path=sim://a?bytes=10 "
                                      "type=base device=sim:0 dtype=fp16 "
                                      "load-timeout=90000ms pin\n"));
}
