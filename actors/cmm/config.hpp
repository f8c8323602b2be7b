#pragma once

#include <caf/actor_system_config.hpp>

#include "cmm/manager_config.hpp"
#include "cmm/result.hpp"

namespace cmm {

/// Registers the project's message types and error category. Every actor
/// system that talks to a supervisor needs this before it starts.
void register_types(caf::actor_system_config& cfg);

/// Declares the `cmm.*` options (INI group `[cmm]`, flags `--cmm.KEY=...`):
/// `default-device`, `idle-timeout`, `dtype`, `allowed-types`,
/// `intra-op-threads`, `log-level`. The catalog is the INI group
/// `[cmm.models]` with one `ID="PATH,TYPE[,DEVICE[,DTYPE]]"` line per model.
void declare_options(caf::config_option_set& opts);

/// Reads the options back after parsing, validating each; an error names
/// the offending key.
result<manager_config> read_manager_config(const caf::actor_system_config& cfg);

/// A ready-made CAF config with the project's types and options, for
/// programs that have no config class of their own.
class manager_system_config : public caf::actor_system_config {
public:
  manager_system_config();
};

} // namespace cmm
