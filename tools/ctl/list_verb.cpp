#include "model_view.hpp"
#include "output.hpp"
#include "verbs.hpp"

namespace cmm::ctl {

exit_code list_verb(node_session& node, const ctl_options& opts) {
  auto rows = node.client().get_cached_models();
  if (opts.json) {
    json_writer doc;
    write_models(doc, rows);
    print_json(doc);
  } else {
    print_text(model_table(rows, true));
  }
  return exit_code::ok;
}

} // namespace cmm::ctl
