#include "cmm/lease_token.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <system_error>

#include <sys/random.h>

namespace cmm {

namespace {

/// Fills `n` bytes at `out` from the kernel, retrying short and interrupted
/// reads.
void fill_random(unsigned char* out, size_t n) {
  while (n > 0) {
    auto got = getrandom(out, n, 0);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      throw std::system_error(errno, std::generic_category(), "getrandom");
    }
    out += got;
    n -= static_cast<size_t>(got);
  }
}

} // namespace

lease_token draw_lease_token() {
  lease_token result;
  do {
    unsigned char bytes[16];
    fill_random(bytes, sizeof(bytes));
    std::memcpy(&result.high, bytes, 8);
    std::memcpy(&result.low, bytes + 8, 8);
  } while (result.empty());
  return result;
}

} // namespace cmm
