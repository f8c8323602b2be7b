#include "cmm/log.hpp"

#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace cmm {

namespace {

std::mutex log_mtx;
spdlog::level::level_enum log_level = spdlog::level::warn;

} // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& subsystem) {
  auto name = "cmm." + subsystem;
  std::lock_guard<std::mutex> guard{log_mtx};
  if (auto existing = spdlog::get(name))
    return existing;
  auto result = spdlog::stderr_color_mt(name);
  result->set_level(log_level);
  result->set_pattern("%H:%M:%S.%e %^%-5l%$ [%n] %v");
  return result;
}

void set_log_level(const std::string& level) {
  std::lock_guard<std::mutex> guard{log_mtx};
  log_level = spdlog::level::from_str(level);
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& x) {
    if (x->name().compare(0, 4, "cmm.") == 0)
      x->set_level(log_level);
  });
}

} // namespace cmm
