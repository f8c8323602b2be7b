#pragma once

// Runs cmm-ctl against a node, as an operator would: to completion
// (`run_ctl`) or in the background (`start_ctl`, e.g. for `hold`), its
// stdout and stderr captured apart.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace cmm::test {

/// Runs `cmm-ctl --port=PORT ARGS...` and waits for it (at most 30 s; a
/// hang fails the test with exit code -1).
process_result run_ctl(uint16_t port, const std::vector<std::string>& args);

/// Starts `cmm-ctl --port=PORT ARGS...` without waiting.
std::unique_ptr<child_process> start_ctl(uint16_t port,
                                         const std::vector<std::string>& args);

} // namespace cmm::test
