#include "cmm/model_generator.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "../temp_directory.hpp"

using namespace cmm;

namespace fs = std::filesystem;

namespace {

// A fresh directory per test case, removed afterwards.
struct fixture {
  test::temp_directory dir;

  std::string file(const std::string& name) const { return dir.file(name); }
};

std::string read_all(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

uint64_t fp32_bytes(const model_blueprint& bp) {
  auto floats =
      bp.vocab * bp.width + 2 * bp.width * bp.hidden + bp.hidden + bp.width;
  return 4 * static_cast<uint64_t>(floats);
}

} // namespace

TEST_CASE_METHOD(fixture, "write_model reports the size it wrote") {
  auto path = file("base.pt");
  auto size = write_model(path, model_blueprint{});
  REQUIRE(fs::exists(path));
  CHECK(size == fs::file_size(path));
  CHECK(size > fp32_bytes(model_blueprint{}));
  CHECK(!fs::exists(path + ".tmp"));
}

TEST_CASE_METHOD(fixture, "blueprints of a size come out near that size") {
  for (auto megabytes : {0.1, 0.5, 2.0}) {
    INFO(megabytes << " MB");
    auto bp = blueprint_of_size("base", megabytes);
    auto wanted = megabytes * 1e6;
    CHECK(fp32_bytes(bp) == Approx(wanted).epsilon(0.1));
    auto size = write_model(file("sized.pt"), bp);
    CHECK(static_cast<double>(size) == Approx(wanted).epsilon(0.1));
  }
}

TEST_CASE_METHOD(fixture, "equal blueprints give equal files") {
  auto bp = blueprint_of_size("custom_voice", 0.1);
  write_model(file("a.pt"), bp);
  write_model(file("b.pt"), bp);
  CHECK(read_all(file("a.pt")) == read_all(file("b.pt")));
  bp.seed += 1;
  write_model(file("c.pt"), bp);
  CHECK(read_all(file("a.pt")) != read_all(file("c.pt")));
}

TEST_CASE("demo blueprints are three distinct variants") {
  auto bps = demo_blueprints(1.0);
  REQUIRE(bps.size() == 3);
  CHECK(bps[0].variant == "base");
  CHECK(bps[1].variant == "custom_voice");
  CHECK(bps[2].variant == "voice_design");
  CHECK(bps[0].seed != bps[1].seed);
  CHECK(bps[1].seed != bps[2].seed);
  CHECK(bps[0].seed != bps[2].seed);
  CHECK(fp32_bytes(bps[0]) < fp32_bytes(bps[1]));
  CHECK(fp32_bytes(bps[1]) < fp32_bytes(bps[2]));
}

TEST_CASE_METHOD(fixture, "broken files are reproducible") {
  write_random_bytes(file("r1"), 1000);
  write_random_bytes(file("r2"), 1000);
  write_random_bytes(file("r3"), 1000, 8);
  CHECK(fs::file_size(file("r1")) == 1000);
  CHECK(read_all(file("r1")) == read_all(file("r2")));
  CHECK(read_all(file("r1")) != read_all(file("r3")));
  auto size = write_model(file("whole.pt"), model_blueprint{});
  write_truncated_copy(file("whole.pt"), file("half.pt"));
  CHECK(fs::file_size(file("half.pt")) == size / 2);
  write_non_torchscript_zip(file("hello.zip"));
  CHECK(read_all(file("hello.zip")).substr(0, 2) == "PK");
  auto mixed_size = write_mixed_dtype_model(file("mixed.pt"));
  CHECK(mixed_size == fs::file_size(file("mixed.pt")));
}
