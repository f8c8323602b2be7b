#include "time_text.hpp"

#include <ctime>

#include <fmt/format.h>

namespace cmm::ctl {

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
