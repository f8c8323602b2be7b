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
/// programs that have no config class of their own. It defaults CAF's
/// scheduler to `sharing` (measured in the README's "Scheduler" section:
/// blocking and HTTP clients, and many client actors, gain more than one
/// actor's round trip loses); `--scheduler.policy=stealing` or the config
/// file's `[scheduler] policy='stealing'` restores CAF's default.
class manager_system_config : public caf::actor_system_config {
public:
  manager_system_config();

  /// Checks what the config file (named `file` in errors) and the flags set
  /// in the project's `sections` (e.g. `cmm`, `node`) and their
  /// subsections: every key a declared option, every value of its option's
  /// type, every catalog line a string. The error names file, key and
  /// problem; CAF would run on with defaults instead.
  std::optional<failure>
  check_settings(const std::vector<std::string>& sections,
                 const std::string& file) const;
};

/// One line for an error of `caf::actor_system_config::parse` on `file`: a
/// syntax error with its line and column, or a missing file.
std::string describe_parse_error(const caf::error& err,
                                 const std::string& file);

} // namespace cmm
