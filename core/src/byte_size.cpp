#include "cmm/byte_size.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace cmm {

std::optional<uint64_t> parse_byte_size(std::string_view str) {
  std::string text{str};
  char* end = nullptr;
  auto number = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !(number >= 0) || std::isinf(number))
    return std::nullopt;
  std::string_view unit{end};
  struct suffix {
    std::string_view name;
    double factor;
  };
  static constexpr suffix units[] = {
      {"", 1},
      {"B", 1},
      {"KB", 1e3},
      {"MB", 1e6},
      {"GB", 1e9},
      {"TB", 1e12},
      {"KiB", 1 << 10},
      {"MiB", 1 << 20},
      {"GiB", double(1 << 30)},
      {"TiB", double(uint64_t{1} << 40)},
  };
  for (auto& u : units)
    if (unit == u.name)
      return static_cast<uint64_t>(std::llround(number * u.factor));
  return std::nullopt;
}

} // namespace cmm
