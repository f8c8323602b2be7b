#include <fmt/format.h>

#include "output.hpp"
#include "verbs.hpp"

namespace cmm::ctl {

exit_code reset_verb(node_session& node, const ctl_options& opts) {
  if (!node.client().reset_model(opts.model)) {
    auto info = model_info_or_throw(node, opts.model);
    throw ctl_error(exit_code::refused,
                    fmt::format("nothing to reset: '{}' is {}, not failed",
                                opts.model, info.state));
  }
  if (opts.json) {
    print_json({{"name", opts.model}, {"reset", true}});
  } else {
    print_text(fmt::format(
        "reset {}: its failed load is forgotten; the next acquire loads it\n",
        opts.model));
  }
  return exit_code::ok;
}

} // namespace cmm::ctl
