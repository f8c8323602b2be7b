#pragma once

// Where verbs print: stdout, flushed at once so that a caller reading a
// pipe (a test, `watch` in a terminal) sees each piece when it is ready.
// JSON documents keep their keys in the order they were built in.

#include <string>

#include <nlohmann/json.hpp>

namespace cmm::ctl {

/// Prints `text` as is.
void print_text(const std::string& text);

/// The document as compact JSON on one line, without a newline: a
/// non-finite number is `null`, a byte that is not valid UTF-8 is U+FFFD.
std::string json_line(const nlohmann::ordered_json& doc);

/// Prints `json_line(doc)` and a newline.
void print_json(const nlohmann::ordered_json& doc);

} // namespace cmm::ctl
