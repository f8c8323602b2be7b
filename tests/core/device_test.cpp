#include "cmm/device.hpp"

#include <string>

#include <catch2/catch.hpp>

using namespace cmm;

namespace {

using kind = device::kind_t;

struct good_case {
  const char* text;
  kind expected_kind;
  int expected_index;
  const char* canonical;
};

} // namespace

TEST_CASE("parse_device accepts well-formed devices", "[device]") {
  auto c = GENERATE(values<good_case>({
      {"cpu", kind::cpu, -1, "cpu"},
      {"cuda", kind::cuda, -1, "cuda"},
      {"cuda:0", kind::cuda, 0, "cuda:0"},
      {"cuda:12", kind::cuda, 12, "cuda:12"},
      {"cuda:999", kind::cuda, 999, "cuda:999"},
      {"sim", kind::sim, -1, "sim"},
      {"sim:3", kind::sim, 3, "sim:3"},
      // `cpu:0` is the only ordinal cpu takes; it means plain `cpu`.
      {"cpu:0", kind::cpu, -1, "cpu"},
      // Leading zeros are tolerated within the three-digit limit.
      {"cuda:007", kind::cuda, 7, "cuda:7"},
  }));
  CAPTURE(c.text);
  auto dev = parse_device(c.text);
  REQUIRE(dev);
  CHECK(dev->kind == c.expected_kind);
  CHECK(dev->index == c.expected_index);
  CHECK(to_string(*dev) == c.canonical);
  auto again = parse_device(to_string(*dev));
  REQUIRE(again);
  CHECK(*again == *dev);
}

TEST_CASE("parse_device rejects malformed devices", "[device]") {
  auto text = GENERATE(as<std::string>{}, "gpu", "cuda:", "cuda:x", "cpu:1", "",
                       "cuda:-1", "cuda:00000", "cuda:1000", "cuda:99999999999",
                       "sim:", "cuda0", "cpux", "CPU", "cuda:1 ", " cuda",
                       "cuda:1:2", "cuda:+1");
  CAPTURE(text);
  auto dev = parse_device(text);
  REQUIRE_FALSE(dev);
  CHECK(dev.error().code == errc::invalid_device);
  CHECK_THAT(dev.error().message, Catch::Matchers::Contains("'" + text + "'"));
}

TEST_CASE("to_string spells every device canonically", "[device]") {
  CHECK(to_string(device{}) == "cpu");
  CHECK(to_string(device{kind::cuda, -1}) == "cuda");
  CHECK(to_string(device{kind::cuda, 1}) == "cuda:1");
  CHECK(to_string(device{kind::sim, -1}) == "sim");
  CHECK(to_string(device{kind::sim, 0}) == "sim:0");
}

TEST_CASE("devices compare by kind and index", "[device]") {
  CHECK(device{kind::cuda, 0} == device{kind::cuda, 0});
  CHECK(device{kind::cuda, 0} != device{kind::cuda, 1});
  CHECK(device{kind::cuda, 0} != device{kind::sim, 0});
  CHECK(device{kind::cuda, -1} != device{kind::cuda, 0});
}
