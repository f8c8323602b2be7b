#pragma once

#include <cstddef>
#include <string>

#include "cmm/config.hpp"

namespace cmm::demo {

/// The `demo.*` options: where the generated models live, how large they
/// are, and how many clients run how many rounds each.
struct demo_options {
  std::string model_dir = "models";
  double size_mb = 24;
  size_t clients = 16;
  size_t rounds = 6;
};

/// The demo's CAF config: the manager's `cmm.*` options plus the group
/// `demo`. Its defaults suit a short run (a 2 s idle timeout, library logs
/// off); an INI file or flags override each of them, and `--dump-config`
/// shows them.
class demo_config : public manager_system_config {
public:
  demo_config();
};

/// Reads the `demo.*` options back after parsing; throws
/// `std::invalid_argument` naming the offending key.
demo_options read_demo_options(const caf::actor_system_config& cfg);

} // namespace cmm::demo
