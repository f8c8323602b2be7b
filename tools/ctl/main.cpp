// cmm-ctl: the operator's command line for a cmm-node. Parses the command
// line, connects, runs one verb and exits; every error is one line on
// stderr (and with --json one document on stdout) and a non-zero exit
// status (see `exit_code`).

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cmm/manager_error.hpp"
#include "ctl_error.hpp"
#include "ctl_options.hpp"
#include "node_session.hpp"
#include "output.hpp"
#include "time_text.hpp"
#include "usage.hpp"
#include "verbs.hpp"

namespace {

using cmm::ctl::exit_code;

/// The name of a failure that cmm-ctl itself detected, for JSON.
const char* name_of(exit_code code) {
  switch (code) {
  case exit_code::ok:
    return "ok";
  case exit_code::refused:
    return "refused";
  case exit_code::usage:
    return "usage";
  case exit_code::unreachable:
    return "unreachable";
  case exit_code::interrupted:
    return "interrupted";
  }
  return "refused";
}

/// Reports a failure: one line on stderr and, with `--json`, one document
/// `{"error":{"code":NAME,"message":LINE}}` on stdout. Answers the status.
int fail(exit_code code, std::string line, bool json, const std::string& name) {
  for (auto& ch : line)
    if (ch == '\n' || ch == '\r')
      ch = ' ';
  if (json) {
    cmm::ctl::print_json({{"error", {{"code", name}, {"message", line}}}});
  }
  std::fflush(stdout);
  std::fprintf(stderr, "cmm-ctl: %s\n", line.c_str());
  return static_cast<int>(code);
}

int fail(exit_code code, std::string line, bool json) {
  return fail(code, std::move(line), json, name_of(code));
}

/// The line and exit status for an error the node (or CAF) reported.
int node_failure(const cmm::ctl::node_session& node,
                 const cmm::ctl::ctl_options& opts,
                 const cmm::manager_error& err) {
  std::string name = cmm::to_string(err.code());
  switch (err.code()) {
  case cmm::errc::manager_unavailable:
    return fail(exit_code::unreachable,
                "lost the node at " + node.address() + ": " +
                    err.reason().message,
                opts.json, name);
  case cmm::errc::timeout:
    return fail(
        exit_code::refused,
        "timeout: the node at " + node.address() + " did not answer within " +
            cmm::ctl::to_text(opts.timeout) + " (--timeout raises the limit)",
        opts.json, name);
  default:
    return fail(exit_code::refused, err.what(), opts.json, name);
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
    return fail(err.code(), err.what(), opts.json);
  } catch (const std::exception& err) {
    return fail(exit_code::refused, err.what(), opts.json);
  }
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args{argv + 1, argv + argc};
  // Known before parsing, so that a usage error is JSON too.
  bool json = std::find(args.begin(), args.end(), "--json") != args.end();
  try {
    auto opts = cmm::ctl::parse_ctl_options(args);
    if (opts.help) {
      std::fputs(cmm::ctl::help_text().c_str(), stdout);
      return 0;
    }
    return run(opts);
  } catch (const cmm::ctl::ctl_error& err) {
    return fail(err.code(), err.what(), json);
  } catch (const std::exception& err) {
    return fail(exit_code::refused, err.what(), json);
  }
}
