#pragma once

// What cmm-ctl says about its own command line.

#include <string>

namespace cmm::ctl {

/// The one-line synopsis, starting with `usage: `.
const char* usage_line();

/// The full `--help` text.
std::string help_text();

} // namespace cmm::ctl
