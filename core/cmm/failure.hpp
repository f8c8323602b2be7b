#pragma once

#include <string>

#include "cmm/errc.hpp"

namespace cmm {

/// A failed operation: what went wrong (`code`) and what a user can do about
/// it (`message`). Core's currency for errors; actors turn it into a
/// `caf::error` at their boundary.
struct failure {
  errc code = errc::none;
  std::string message;
};

/// Renders `code: message`.
std::string to_string(const failure& x);

} // namespace cmm
