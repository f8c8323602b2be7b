#pragma once

#include <string>

#include <caf/error.hpp>

#include "cmm/failure.hpp"

namespace cmm {

/// The error category of the project's errors in `caf::error`.
caf::atom_value error_category();

/// Wraps a project error for a trip across an actor boundary.
caf::error make_error(errc code, std::string message);

caf::error make_error(const failure& x);

/// Unwraps an error that came back from an actor: project errors keep code
/// and message; CAF's own become `timeout` or `manager_unavailable`.
failure to_failure(const caf::error& err);

/// Renders a project error for CAF's `actor_system::render`.
std::string render_error(uint8_t code, caf::atom_value category,
                         const caf::message& context);

} // namespace cmm
