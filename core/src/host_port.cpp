#include "cmm/host_port.hpp"

namespace cmm {

std::optional<host_port> parse_host_port(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return std::nullopt;
  auto digits = text.substr(colon + 1);
  // A leading zero would let two spellings name one port.
  if (digits.empty() || digits.size() > 5 || digits.front() == '0')
    return std::nullopt;
  uint32_t port = 0;
  for (auto ch : digits) {
    if (ch < '0' || ch > '9')
      return std::nullopt;
    port = port * 10 + static_cast<uint32_t>(ch - '0');
  }
  if (port == 0 || port > 65535)
    return std::nullopt;
  return host_port{std::string{text.substr(0, colon)},
                   static_cast<uint16_t>(port)};
}

} // namespace cmm
