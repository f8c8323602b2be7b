#pragma once

// Where verbs print: stdout, flushed at once so that a caller reading a
// pipe (a test, `watch` in a terminal) sees each piece when it is ready.

#include <string>

#include "cmm/json_writer.hpp"

namespace cmm::ctl {

/// Prints `text` as is.
void print_text(const std::string& text);

/// Prints the document and a newline.
void print_json(const json_writer& doc);

} // namespace cmm::ctl
