#include <fmt/format.h>

#include "model_view.hpp"
#include "output.hpp"
#include "verbs.hpp"

namespace cmm::ctl {

exit_code load_verb(node_session& node, const ctl_options& opts) {
  auto info = node.client().preload(requested_spec(opts));
  if (opts.json) {
    print_json(model_json(info));
  } else {
    // A model kept in its saved precision says so itself: "as saved (...)".
    auto precision =
        info.dtype.rfind("as ", 0) == 0 ? info.dtype : "as " + info.dtype;
    print_text(fmt::format(
        "loaded {} on {} {}: {} MB in {:.3f} s, refs {}\n", info.name,
        info.location.empty() ? info.device : info.location, precision,
        megabytes(info.bytes), info.load_seconds, info.refs));
  }
  return exit_code::ok;
}

} // namespace cmm::ctl
