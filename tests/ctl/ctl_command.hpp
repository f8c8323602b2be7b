#pragma once

// Runs cmm-ctl against a node, as an operator would: to completion
// (`run_ctl`) or in the background (`start_ctl`, e.g. for `hold`).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace cmm::test {

/// Runs `cmm-ctl --port=PORT ARGS...` and waits for it (at most 30 s; a
/// hang fails the test with exit code -1).
process_result run_ctl(uint16_t port, const std::vector<std::string>& args);

/// Starts `cmm-ctl --port=PORT ARGS...` without waiting.
std::unique_ptr<child_process> start_ctl(uint16_t port,
                                         const std::vector<std::string>& args);

/// The lines of `text`, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

/// A port on 127.0.0.1 that nothing listens on (bound, then closed).
uint16_t unused_port();

} // namespace cmm::test
