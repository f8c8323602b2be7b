#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace cmm {

/// The logger of one subsystem (`supervisor`, `model`, `backend`, ...),
/// created on first use at the level set by `set_log_level` (default: warn,
/// so the library stays quiet unless asked).
std::shared_ptr<spdlog::logger> logger(const std::string& subsystem);

/// Sets the level of every cmm logger, now and later: `trace`, `debug`,
/// `info`, `warn`, `error`, `off`.
void set_log_level(const std::string& level);

} // namespace cmm
