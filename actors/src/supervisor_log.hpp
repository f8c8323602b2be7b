#pragma once

#include <memory>

#include <spdlog/logger.h>

namespace cmm {

/// The supervisor's logger (`cmm.supervisor`).
const std::shared_ptr<spdlog::logger>& supervisor_log();

} // namespace cmm
