#pragma once

// The command line of cmm-ctl, parsed into plain data:
//
//   cmm-ctl [--host=H] --port=N [--json] [--timeout=D] [--cmm.tls.*=..]
//           VERB [ARGS]
//
// Options may come before or after the verb, as `--name=value` or
// `--name value`. Every mistake is a `ctl_error` with `exit_code::usage`
// whose one line ends with the usage synopsis.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cmm/remote.hpp"
#include "cmm/warmup_spec.hpp"
#include "time_text.hpp"

namespace cmm::ctl {

enum class verb {
  list,
  info,
  load,
  unload,
  unload_all,
  reset,
  cleanup,
  devices,
  run,
  hold,
  watch,
};

struct ctl_options {
  std::string host = "127.0.0.1";
  /// The node's operator endpoint.
  uint16_t port = 0;
  /// `--cmm.tls.certificate`, `--cmm.tls.key`, `--cmm.tls.ca-file`,
  /// `--cmm.tls.passphrase`: as the node's settings of the same names.
  tls_settings tls;
  bool json = false;
  /// Limit for connecting and for each request to the node.
  milliseconds timeout{10'000};
  /// `--help`: print the help text and do nothing else.
  bool help = false;
  verb command = verb::list;
  /// The verb's MODEL argument: a catalog id (a path is sent as one and the
  /// node refuses it).
  std::string model;
  /// `unload`, `unload-all`: unload models in use as well.
  bool force = false;
  /// `list`: only the models that are ready.
  bool loaded = false;
  /// `run --fused`: one request that acquires, infers and releases.
  bool fused = false;
  /// `run`: the generated input (`--input DTYPE:DIMS`).
  warmup_spec input{dtype::f32, {1, 64}, 1};
  /// `load`, `run`, `hold`: the model type sent along with a path.
  std::string type = "base";
  /// `hold`: how long to keep the lease.
  milliseconds hold_for{0};
  /// `watch`: time between refreshes.
  milliseconds interval{1'000};
  /// `watch`: stop after this many refreshes (none: until interrupted).
  std::optional<uint32_t> count;
};

/// Parses the arguments after the program name.
ctl_options parse_ctl_options(const std::vector<std::string>& args);

/// The verb's name as typed, e.g. `unload-all`.
const char* to_string(verb x);

/// True when MODEL names a file rather than a catalog id: it holds a `/`
/// or ends in `.pt`.
bool looks_like_path(const std::string& model);

} // namespace cmm::ctl
