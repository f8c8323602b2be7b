#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmm {

/// A network endpoint as configs name it.
struct host_port {
  std::string host;
  uint16_t port = 0;
};

/// Parses `HOST:PORT`: a non-empty host before the last colon and a port
/// from 1 to 65535 in plain digits, without leading zeros, after it; none
/// for anything else.
std::optional<host_port> parse_host_port(std::string_view text);

} // namespace cmm
