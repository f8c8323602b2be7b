// `watch`: the model table, refreshed in place. On a terminal each refresh
// moves the cursor up over the previous frame (ANSI `CSI n A`) and clears
// to the end of the screen (`CSI J`); into a pipe frames follow each other.
// With `--json`, one document per line and refresh.

#include <algorithm>
#include <chrono>
#include <unistd.h>

#include <fmt/format.h>

#include "interruption.hpp"
#include "model_view.hpp"
#include "output.hpp"
#include "time_text.hpp"
#include "verbs.hpp"

namespace cmm::ctl {

namespace {

std::string frame(const node_session& node, const ctl_options& opts,
                  const std::vector<model_info>& rows, uint32_t refresh) {
  auto stop_hint = opts.count ? fmt::format("{} of {}", refresh, *opts.count)
                              : std::string{"Ctrl-C stops"};
  return fmt::format("cmm-node {}  {}  every {} ({})\n", node.address(),
                     clock_text(std::chrono::system_clock::now()),
                     to_text(opts.interval), stop_hint) +
         model_table(rows, false);
}

} // namespace

exit_code watch_verb(node_session& node, const ctl_options& opts) {
  interruption stop;
  bool in_place = isatty(STDOUT_FILENO) == 1;
  size_t shown_lines = 0;
  for (uint32_t refresh = 1; !opts.count || refresh <= *opts.count; ++refresh) {
    if (refresh > 1 && !stop.sleep_for(opts.interval))
      break;
    node.check_connected();
    auto rows = node.client().get_cached_models();
    if (opts.json) {
      print_json({{"node", node.address()},
                  {"time", iso_text(std::chrono::system_clock::now())},
                  {"refresh", refresh},
                  {"models", models_json(rows)}});
      continue;
    }
    auto body = frame(node, opts, rows, refresh);
    if (shown_lines == 0)
      print_text(body);
    else if (in_place)
      print_text(fmt::format("\x1b[{}A\x1b[J", shown_lines) + body);
    else
      print_text("\n" + body);
    shown_lines =
        static_cast<size_t>(std::count(body.begin(), body.end(), '\n'));
  }
  return exit_code::ok;
}

} // namespace cmm::ctl
