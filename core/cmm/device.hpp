#pragma once

#include <string>
#include <string_view>

#include "cmm/result.hpp"

namespace cmm {

/// Where a model lives. `sim` devices exist only in the simulated backend.
struct device {
  enum class kind_t { cpu, cuda, sim };

  kind_t kind = kind_t::cpu;

  /// Ordinal for `cuda:N` and `sim:N`; -1 for plain `cpu` or `cuda`.
  int index = -1;

  friend bool operator==(const device& x, const device& y) {
    return x.kind == y.kind && x.index == y.index;
  }

  friend bool operator!=(const device& x, const device& y) { return !(x == y); }
};

/// Parses `cpu`, `cuda`, `cuda:N`, `sim` or `sim:N`.
result<device> parse_device(std::string_view str);

/// The canonical spelling, e.g. `cuda:1`.
std::string to_string(const device& x);

} // namespace cmm
