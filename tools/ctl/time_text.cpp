#include "time_text.hpp"

#include <cmath>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

namespace cmm::ctl {

std::optional<milliseconds> parse_duration(std::string_view text) {
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
  return milliseconds{std::llround(value * factor_ms)};
}

std::string to_text(milliseconds x) {
  auto ms = x.count();
  if (ms < 1000)
    return fmt::format("{}ms", ms);
  if (ms % 1000 == 0)
    return fmt::format("{}s", ms / 1000);
  return fmt::format("{:g}s", static_cast<double>(ms) / 1e3);
}

namespace {

std::string stamp(wall_time x, bool utc, const char* pattern) {
  auto secs = std::chrono::system_clock::to_time_t(x);
  auto ms =
      std::chrono::duration_cast<milliseconds>(x.time_since_epoch()).count() %
      1000;
  std::tm parts{};
  if (utc)
    gmtime_r(&secs, &parts);
  else
    localtime_r(&secs, &parts);
  char buf[64];
  std::strftime(buf, sizeof(buf), pattern, &parts);
  return fmt::format("{}.{:03}", buf, ms);
}

} // namespace

std::string clock_text(wall_time x) {
  return stamp(x, false, "%H:%M:%S");
}

std::string iso_text(wall_time x) {
  return stamp(x, true, "%Y-%m-%dT%H:%M:%S") + "Z";
}

double to_ms(std::chrono::steady_clock::duration x) {
  return std::chrono::duration<double, std::milli>{x}.count();
}

} // namespace cmm::ctl
