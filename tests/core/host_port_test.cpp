#include "cmm/host_port.hpp"

#include <catch2/catch.hpp>

using namespace cmm;

TEST_CASE("parse_host_port takes HOST:PORT and nothing else", "[host_port]") {
  auto ok = parse_host_port("10.0.0.7:7400");
  REQUIRE(ok);
  CHECK(ok->host == "10.0.0.7");
  CHECK(ok->port == 7400);
  auto last_colon = parse_host_port("node:a:65535");
  REQUIRE(last_colon);
  CHECK(last_colon->host == "node:a");
  CHECK(last_colon->port == 65535);
  for (auto bad : {"", "host", ":7400", "host:", "host:0", "host:65536",
                   "host:99999999999", "host:-1", "host:+80", "host:80x",
                   "host: 80", "host:080", "host:00080"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_host_port(bad));
  }
}
