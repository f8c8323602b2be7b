#pragma once

#include <stdexcept>

#include "cmm/failure.hpp"

namespace cmm {

/// What the blocking client throws: a project error with its code.
class manager_error : public std::runtime_error {
public:
  explicit manager_error(failure reason);

  errc code() const noexcept { return reason_.code; }

  const failure& reason() const noexcept { return reason_; }

private:
  failure reason_;
};

} // namespace cmm
