#include "cmm/duration_text.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace cmm {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto unit_at = text.find_first_not_of("0123456789.");
  auto number = std::string{text.substr(0, unit_at)};
  auto unit = unit_at == std::string_view::npos ? std::string_view{}
                                                : text.substr(unit_at);
  if (number.empty() || number == ".")
    return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value))
    return std::nullopt;
  double factor_ms = 0;
  if (unit.empty() || unit == "s")
    factor_ms = 1e3;
  else if (unit == "ms")
    factor_ms = 1;
  else if (unit == "us")
    factor_ms = 1e-3;
  else if (unit == "m" || unit == "min")
    factor_ms = 60e3;
  else if (unit == "h")
    factor_ms = 3600e3;
  else
    return std::nullopt;
  // A century bounds the value well inside what llround can return.
  constexpr double max_ms = 100.0 * 366 * 24 * 3600e3;
  auto ms = value * factor_ms;
  if (ms > max_ms)
    return std::nullopt;
  return std::chrono::milliseconds{std::llround(ms)};
}

std::string to_text(std::chrono::milliseconds x) {
  auto ms = x.count();
  if (ms < 1000)
    return fmt::format("{}ms", ms);
  if (ms % 1000 == 0)
    return fmt::format("{}s", ms / 1000);
  return fmt::format("{:g}s", static_cast<double>(ms) / 1e3);
}

} // namespace cmm
