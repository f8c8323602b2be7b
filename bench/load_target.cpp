#include "load_target.hpp"

#include <algorithm>

namespace cmm::bench {

std::string load_target::label() const {
  return to_string(where) + " " + std::string{to_string(precision)};
}

result<load_target> parse_load_target(const std::string& device_name) {
  auto where = parse_device(device_name);
  if (!where)
    return where.error();
  if (where->kind == device::kind_t::sim)
    return failure{errc::invalid_device,
                   "bench.device: '" + device_name +
                       "' is simulated; use cpu or cuda:N"};
  load_target out;
  out.where = *where;
  if (out.on_gpu()) {
    out.where.index = std::max(out.where.index, 0);
    out.precision = dtype::bf16;
  }
  return out;
}

} // namespace cmm::bench
