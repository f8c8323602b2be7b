#include <fmt/format.h>

#include "output.hpp"
#include "verbs.hpp"

namespace cmm::ctl {

namespace {

/// Why the node answered `false` to an unload of `name`.
std::string refusal(node_session& node, const std::string& name) {
  auto info = model_info_or_throw(node, name);
  if (info.refs > 0)
    return fmt::format("refused: '{}' is in use ({} reference(s) held); "
                       "--force unloads it anyway",
                       name, info.refs);
  return fmt::format("not unloaded: '{}' is {}, not ready", name, info.state);
}

/// Models still loaded with references held, i.e. kept by an unforced
/// `unload-all`.
uint32_t in_use(node_session& node) {
  uint32_t n = 0;
  for (auto& row : node.client().get_cached_models())
    if (row.refs > 0)
      ++n;
  return n;
}

} // namespace

exit_code unload_verb(node_session& node, const ctl_options& opts) {
  bool unloaded = node.client().unload_model(opts.model, opts.force);
  // A refusal is a failure: its one document is the error.
  if (!unloaded)
    throw ctl_error(exit_code::refused, refusal(node, opts.model));
  if (opts.json) {
    print_json(
        {{"name", opts.model}, {"force", opts.force}, {"unloaded", unloaded}});
  } else {
    print_text(fmt::format("unloaded {}{}\n", opts.model,
                           opts.force ? " (forced)" : ""));
  }
  return exit_code::ok;
}

exit_code unload_all_verb(node_session& node, const ctl_options& opts) {
  auto count = node.client().unload_all(opts.force);
  auto kept = opts.force ? 0 : in_use(node);
  if (opts.json) {
    print_json(
        {{"force", opts.force}, {"unloaded", count}, {"kept_in_use", kept}});
  } else {
    auto note = kept == 0 ? std::string{}
                          : fmt::format("; kept {} in use (--force unloads "
                                        "them too)",
                                        kept);
    print_text(fmt::format("unloaded {} model(s){}\n", count, note));
  }
  return exit_code::ok;
}

} // namespace cmm::ctl
