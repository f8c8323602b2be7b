#include "model_view.hpp"
#include "output.hpp"
#include "verbs.hpp"

namespace cmm::ctl {

exit_code info_verb(node_session& node, const ctl_options& opts) {
  auto info = model_info_or_throw(node, opts.model);
  if (opts.json) {
    print_json(model_json(info));
  } else {
    print_text(model_details(info));
  }
  return exit_code::ok;
}

} // namespace cmm::ctl
