#pragma once

// The verbs of cmm-ctl. Each one talks to the node through the session's
// blocking client, prints its result (a table or a JSON document) and
// returns the exit status. The node's errors escape as `manager_error`,
// cmm-ctl's own as `ctl_error`; `main` turns either into one line.

#include "cmm/model_spec.hpp"
#include "ctl_error.hpp"
#include "ctl_options.hpp"
#include "node_session.hpp"

namespace cmm::ctl {

/// Runs the verb `opts.command`.
exit_code run_verb(node_session& node, const ctl_options& opts);

exit_code list_verb(node_session& node, const ctl_options& opts);
exit_code info_verb(node_session& node, const ctl_options& opts);
exit_code load_verb(node_session& node, const ctl_options& opts);
exit_code unload_verb(node_session& node, const ctl_options& opts);
exit_code unload_all_verb(node_session& node, const ctl_options& opts);
exit_code reset_verb(node_session& node, const ctl_options& opts);
exit_code cleanup_verb(node_session& node, const ctl_options& opts);
exit_code devices_verb(node_session& node, const ctl_options& opts);
exit_code run_model_verb(node_session& node, const ctl_options& opts);
exit_code hold_verb(node_session& node, const ctl_options& opts);
exit_code watch_verb(node_session& node, const ctl_options& opts);

/// What to ask the node for: the catalog id, or, when MODEL looks like a
/// path, the path with `--type` (which the node refuses from a remote
/// caller, and cmm-ctl reports its refusal).
model_spec requested_spec(const ctl_options& opts);

/// Info on MODEL; an unknown one throws `manager_error` (`unknown_model`).
model_info model_info_or_throw(node_session& node, const std::string& name);

} // namespace cmm::ctl
