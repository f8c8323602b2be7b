// `hold MODEL --for D`: keeps one lease for a while, e.g. to see a refused
// unload or the refs column of `watch`. SIGINT or SIGTERM cut the hold
// short; the lease is released either way.

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "interruption.hpp"
#include "output.hpp"
#include "time_text.hpp"
#include "verbs.hpp"

namespace cmm::ctl {

namespace {

/// Sleeps for `span` in short steps, so that a lost node ends the hold at
/// once (as a `manager_error`); false when interrupted.
bool hold_while_connected(const node_session& node, interruption& stop,
                          milliseconds span) {
  constexpr milliseconds step{100};
  auto deadline = std::chrono::steady_clock::now() + span;
  for (;;) {
    node.check_connected();
    auto left = std::chrono::ceil<milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return true;
    if (!stop.sleep_for(std::min(left, step)))
      return false;
  }
}

} // namespace

exit_code hold_verb(node_session& node, const ctl_options& opts) {
  using steady = std::chrono::steady_clock;
  using wall = std::chrono::system_clock;
  auto& client = node.client();
  interruption stop;
  auto start = steady::now();
  auto held = client.acquire(requested_spec(opts));
  auto acquired = steady::now();
  auto acquired_at = wall::now();
  auto granted = held.get();
  if (!opts.json)
    print_text(fmt::format("acquired {} (lease {}) at {} in {:.3f} ms; "
                           "holding for {}\n",
                           granted.name, granted.id, clock_text(acquired_at),
                           to_ms(acquired - start), to_text(opts.hold_for)));
  bool complete = hold_while_connected(node, stop, opts.hold_for);
  auto refs_after = client.release_model(held);
  auto released_at = wall::now();
  double held_s = to_ms(steady::now() - acquired) / 1e3;
  if (opts.json) {
    print_json({{"model", granted.name},
                {"lease", granted.id},
                {"acquired_at", iso_text(acquired_at)},
                {"released_at", iso_text(released_at)},
                {"acquire_ms", to_ms(acquired - start)},
                {"held_seconds", held_s},
                {"refs_after", refs_after},
                {"interrupted", !complete}});
  } else {
    print_text(fmt::format("{}released {} at {} after {:.3f} s; refs left {}\n",
                           complete ? "" : "interrupted: ", granted.name,
                           clock_text(released_at), held_s, refs_after));
  }
  return complete ? exit_code::ok : exit_code::interrupted;
}

} // namespace cmm::ctl
