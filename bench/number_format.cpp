#include "number_format.hpp"

#include <cmath>
#include <cstdio>

namespace cmm::bench {

namespace {

/// Three significant digits.
std::string sig3(double x, const char* unit) {
  char buf[64];
  auto mag = std::fabs(x);
  const char* fmt = mag >= 100 ? "%.0f%s" : mag >= 10 ? "%.1f%s" : "%.2f%s";
  std::snprintf(buf, sizeof(buf), fmt, x, unit);
  return buf;
}

} // namespace

std::string format_duration(double micros) {
  if (micros < 1)
    return sig3(micros * 1e3, " ns");
  if (micros < 1e3)
    return sig3(micros, " us");
  if (micros < 1e6)
    return sig3(micros / 1e3, " ms");
  return sig3(micros / 1e6, " s");
}

std::string format_rate(double per_second) {
  if (per_second >= 1e6)
    return sig3(per_second / 1e6, "M/s");
  if (per_second >= 1e3)
    return sig3(per_second / 1e3, "k/s");
  return sig3(per_second, "/s");
}

std::string format_figure(const figure& x) {
  auto value = x.value == 0 ? 0.0 : x.value; // no "-0"
  if (value != std::floor(value) || std::fabs(value) >= 1e15)
    return x.name + "=" + sig3(value, x.unit.c_str());
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.0f", value);
  return x.name + "=" + buf + x.unit;
}

std::string format_ratio(const ratio& x) {
  char buf[32];
  auto fmt = x.value >= 100 ? "%.0fx" : x.value >= 0.1 ? "%.2fx" : "%.2gx";
  std::snprintf(buf, sizeof(buf), fmt, x.value);
  return std::string{buf} + " " + x.against;
}

} // namespace cmm::bench
