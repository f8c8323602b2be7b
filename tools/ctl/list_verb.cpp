#include <algorithm>

#include "model_view.hpp"
#include "output.hpp"
#include "verbs.hpp"

namespace cmm::ctl {

exit_code list_verb(node_session& node, const ctl_options& opts) {
  auto rows = node.client().list_models();
  if (opts.loaded)
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [](auto& row) { return row.state != "ready"; }),
               rows.end());
  if (opts.json) {
    print_json({{"models", models_json(rows)}});
  } else {
    print_text(model_table(rows, true));
  }
  return exit_code::ok;
}

} // namespace cmm::ctl
