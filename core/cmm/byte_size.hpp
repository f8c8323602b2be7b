#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cmm {

/// Parses a size such as `1000`, `512MB`, `6GiB`, `1.5GB` (B, KB, MB, GB,
/// TB are powers of 1000; KiB, MiB, GiB, TiB powers of 1024).
std::optional<uint64_t> parse_byte_size(std::string_view str);

} // namespace cmm
