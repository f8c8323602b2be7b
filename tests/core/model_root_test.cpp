#include "cmm/model_root.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "../temp_directory.hpp"

using namespace cmm;

TEST_CASE("catalog paths resolve inside the model root", "[model_root]") {
  test::temp_directory dir;
  namespace fs = std::filesystem;
  auto root = dir.file("root");
  fs::create_directories(root + "/sub");
  std::ofstream{root + "/sub/m.pt"} << "x";
  std::ofstream{dir.file("secret.pt")} << "x";
  fs::create_symlink(dir.file("secret.pt"), root + "/escape.pt");
  auto canonical_root = fs::weakly_canonical(root).string();
  SECTION("relative paths are taken from the root") {
    auto p = resolve_in_root(root, "sub/m.pt");
    REQUIRE(p);
    CHECK(*p == canonical_root + "/sub/m.pt");
  }
  SECTION("files that do not exist yet still resolve") {
    CHECK(resolve_in_root(root, "later.pt"));
  }
  SECTION("absolute paths inside the root are fine") {
    CHECK(resolve_in_root(root, root + "/sub/m.pt"));
  }
  SECTION("dot-dot, absolute paths outside and symlinks out are refused") {
    for (auto bad : {std::string{"../secret.pt"}, std::string{"sub/../../x"},
                     dir.file("secret.pt"), std::string{"escape.pt"},
                     std::string{"/etc/passwd"}}) {
      INFO(bad);
      auto p = resolve_in_root(root, bad);
      REQUIRE_FALSE(p);
      CHECK(p.error().code == errc::not_permitted);
    }
  }
  SECTION("simulated paths pass unchanged") {
    CHECK(*resolve_in_root(root, "sim://a?bytes=1") == "sim://a?bytes=1");
  }
}
