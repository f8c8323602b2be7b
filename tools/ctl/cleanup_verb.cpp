#include <fmt/format.h>

#include "output.hpp"
#include "verbs.hpp"

namespace cmm::ctl {

exit_code cleanup_verb(node_session& node, const ctl_options& opts) {
  auto names = node.client().cleanup_idle_models();
  if (opts.json) {
    print_json({{"unloaded", names}});
  } else if (names.empty()) {
    print_text("no model was idle past the idle timeout\n");
  } else {
    print_text(fmt::format("unloaded {} idle model(s): {}\n", names.size(),
                           fmt::join(names, ", ")));
  }
  return exit_code::ok;
}

} // namespace cmm::ctl
