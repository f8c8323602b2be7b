#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <sys/wait.h>

#include "../temp_directory.hpp"
#include "cmm/model_generator.hpp"

TEST_CASE("a process exits cleanly with models loaded and leases held",
          "[shutdown]") {
  cmm::test::temp_directory dir;
  auto model = dir.file("base.pt");
  cmm::write_model(model, cmm::model_blueprint{});
  auto log = dir.file("exit.log");
  // `timeout` turns a shutdown hang into exit status 124.
  auto command = std::string{"timeout 60 "} + CMM_EXIT_CHECK + " " + model +
                 " > " + log + " 2>&1";
  auto status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
