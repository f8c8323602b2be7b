// cmm-ctl: the operator's command line for a cmm-node. Parses the command
// line, connects, runs one verb and exits; every error is one line on
// stderr and a non-zero exit status (see `exit_code`).

#include <cstdio>
#include <string>
#include <vector>

#include "cmm/manager_error.hpp"
#include "ctl_error.hpp"
#include "ctl_options.hpp"
#include "node_session.hpp"
#include "time_text.hpp"
#include "usage.hpp"
#include "verbs.hpp"

namespace {

using cmm::ctl::exit_code;

int fail(exit_code code, std::string line) {
  for (auto& ch : line)
    if (ch == '\n' || ch == '\r')
      ch = ' ';
  std::fflush(stdout);
  std::fprintf(stderr, "cmm-ctl: %s\n", line.c_str());
  return static_cast<int>(code);
}

/// The line and exit status for an error the node (or CAF) reported.
int node_failure(const cmm::ctl::node_session& node,
                 const cmm::ctl::ctl_options& opts,
                 const cmm::manager_error& err) {
  switch (err.code()) {
  case cmm::errc::manager_unavailable:
    return fail(exit_code::unreachable, "lost the node at " + node.address() +
                                            ": " + err.reason().message);
  case cmm::errc::timeout:
    return fail(exit_code::refused, "timeout: the node at " + node.address() +
                                        " did not answer within " +
                                        cmm::ctl::to_text(opts.timeout) +
                                        " (--timeout raises the limit)");
  default:
    return fail(exit_code::refused, err.what());
  }
}

/// Connects and runs the verb. The session outlives every client object
/// and is destroyed before returning, whatever the verb throws.
int run(const cmm::ctl::ctl_options& opts) {
  cmm::ctl::node_session node{opts};
  try {
    return static_cast<int>(run_verb(node, opts));
  } catch (const cmm::manager_error& err) {
    return node_failure(node, opts, err);
  } catch (const cmm::ctl::ctl_error& err) {
    return fail(err.code(), err.what());
  } catch (const std::exception& err) {
    return fail(exit_code::refused, err.what());
  }
}

} // namespace

int main(int argc, char** argv) {
  try {
    auto opts = cmm::ctl::parse_ctl_options({argv + 1, argv + argc});
    if (opts.help) {
      std::fputs(cmm::ctl::help_text().c_str(), stdout);
      return 0;
    }
    return run(opts);
  } catch (const cmm::ctl::ctl_error& err) {
    return fail(err.code(), err.what());
  } catch (const std::exception& err) {
    return fail(exit_code::refused, err.what());
  }
}
