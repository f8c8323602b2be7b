#include "cmm/errc.hpp"

#include <string>

#include <catch2/catch.hpp>

using namespace cmm;

TEST_CASE("errc_from_code takes every defined code and nothing else",
          "[errc]") {
  int defined = 0;
  for (int code = 0; code <= 255; ++code) {
    CAPTURE(code);
    auto x = errc_from_code(static_cast<uint8_t>(code));
    if (!x)
      continue;
    ++defined;
    CHECK(static_cast<int>(*x) == code);
    CHECK(std::string{to_string(*x)} != "unknown_error");
  }
  CHECK(defined == static_cast<int>(errc::holder_gone));
  CHECK_FALSE(errc_from_code(0));
  CHECK(errc_from_code(static_cast<uint8_t>(errc::holder_gone)) ==
        errc::holder_gone);
  CHECK(std::string{to_string(errc::holder_gone)} == "holder_gone");
}
