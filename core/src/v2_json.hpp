#pragma once

// The v2 protocol's JSON parsing, shared by its decoders.

#include <string_view>

#include <nlohmann/json.hpp>

namespace cmm::v2 {

/// Thrown while parsing a document that nests deeper than any valid
/// request, before it costs more.
struct too_deep {};

/// Parses `text`; throws `nlohmann::json::exception` for invalid JSON and
/// `too_deep` for nesting past what a request needs.
nlohmann::json parse_bounded(std::string_view text);

} // namespace cmm::v2
