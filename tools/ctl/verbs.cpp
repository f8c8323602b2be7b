#include "verbs.hpp"

namespace cmm::ctl {

exit_code run_verb(node_session& node, const ctl_options& opts) {
  switch (opts.command) {
  case verb::list:
    return list_verb(node, opts);
  case verb::info:
    return info_verb(node, opts);
  case verb::load:
    return load_verb(node, opts);
  case verb::unload:
    return unload_verb(node, opts);
  case verb::unload_all:
    return unload_all_verb(node, opts);
  case verb::reset:
    return reset_verb(node, opts);
  case verb::cleanup:
    return cleanup_verb(node, opts);
  case verb::devices:
    return devices_verb(node, opts);
  case verb::run:
    return run_model_verb(node, opts);
  case verb::hold:
    return hold_verb(node, opts);
  case verb::watch:
    return watch_verb(node, opts);
  }
  return exit_code::usage;
}

model_spec requested_spec(const ctl_options& opts) {
  if (looks_like_path(opts.model))
    return model_spec::by_path(opts.model, opts.type);
  return model_spec::by_id(opts.model);
}

model_info model_info_or_throw(node_session& node, const std::string& name) {
  if (auto found = node.client().get_model_info(name))
    return std::move(*found);
  throw manager_error(
      {errc::unknown_model,
       "no model '" + name + "' is known to the node at " + node.address()});
}

} // namespace cmm::ctl
