#pragma once

// How the HTTP front answers a failure: the status for each error code and
// the `Retry-After` a failed load's record gives.

#include <chrono>
#include <optional>

#include "cmm/errc.hpp"
#include "cmm/failure.hpp"

namespace cmm {

/// 400 for what the caller can fix, 403 for what it may not do, 404 for a
/// model the node does not know, 503 for what may pass (shutting down, no
/// memory now, a load that failed and waits for its retry or a reset, a
/// timeout), 500 for the rest.
int http_status_of(errc code);

/// The seconds until a failed load is retried, as `refusal` (see
/// failure_record.hpp) writes them into its message; none otherwise.
std::optional<std::chrono::seconds> retry_after_of(const failure& x);

} // namespace cmm
