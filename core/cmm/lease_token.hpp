#pragma once

#include <cstdint>

namespace cmm {

/// The secret half of a lease: 128 bits from the kernel's entropy source.
/// Nothing else about a lease (its id, its model, its holder) says anything
/// about its token, so only whoever was handed the lease can present it. The
/// all-zero value is no token: `draw_lease_token` never returns it.
struct lease_token {
  uint64_t high = 0;
  uint64_t low = 0;

  bool empty() const noexcept { return (high | low) == 0; }
};

/// Compares in time independent of where the tokens differ.
inline bool operator==(const lease_token& x, const lease_token& y) noexcept {
  return ((x.high ^ y.high) | (x.low ^ y.low)) == 0;
}

inline bool operator!=(const lease_token& x, const lease_token& y) noexcept {
  return !(x == y);
}

/// Draws a fresh token from the kernel's random number generator
/// (`getrandom(2)`, the source behind `/dev/urandom`). Throws
/// `std::system_error` only if the kernel offers no such source.
lease_token draw_lease_token();

} // namespace cmm
