#include "device_view.hpp"
#include "output.hpp"
#include "verbs.hpp"

namespace cmm::ctl {

exit_code devices_verb(node_session& node, const ctl_options& opts) {
  auto rows = node.client().devices();
  if (opts.json) {
    print_json({{"devices", devices_json(rows)}});
  } else {
    print_text(device_table(rows));
  }
  return exit_code::ok;
}

} // namespace cmm::ctl
