#include "node_process.hpp"

#include <fstream>
#include <stdexcept>

namespace cmm::test {

namespace {

using namespace std::chrono_literals;

/// Generous: the node loads libtorch before it listens.
constexpr auto startup_timeout = 30s;

std::string quoted(const std::string& text) {
  return '"' + text + '"';
}

void write_config(const std::string& file, const node_options& options) {
  std::ofstream out{file};
  out << "[cmm]\n"
         "idle-timeout=60s\n"
         "dtype=\"fp32\"\n"
         "log-level=\"warn\"\n"
         "[cmm.models]\n";
  for (auto& [id, entry] : options.models)
    out << id << '=' << quoted(entry) << '\n';
  if (options.tls.enabled())
    out << "[cmm.tls]\n"
        << "certificate=" << quoted(options.tls.certificate) << '\n'
        << "key=" << quoted(options.tls.key) << '\n'
        << "ca-file=" << quoted(options.tls.ca_file) << '\n';
  out << "[middleman]\n"
      << "heartbeat-interval=" << options.heartbeat_interval << '\n'
      << "connection-timeout=" << options.connection_timeout << '\n'
      << "[node]\n"
      << "port=" << options.port << '\n'
      << "bind=\"127.0.0.1\"\n"
      << "drain-timeout=" << options.drain_timeout << '\n';
  for (auto& line : options.extra_config)
    out << line << '\n';
}

} // namespace

node_process::node_process(const temp_directory& dir,
                           const node_options& options,
                           const std::string& name) {
  auto config = dir.file(name + ".ini");
  write_config(config, options);
  process_ = std::make_unique<child_process>(
      std::vector<std::string>{CMM_NODE_PROGRAM, "--config-file=" + config},
      dir.file(name + ".log"));
  auto line = process_->wait_for_line("listening on", startup_timeout);
  if (!line)
    throw std::runtime_error("cmm-node did not start:\n" + process_->output());
  // "cmm-node listening on 127.0.0.1:PORT with N catalog model(s)"
  auto colon = line->find(':', line->find("listening on"));
  port_ = static_cast<uint16_t>(std::stoul(line->substr(colon + 1)));
}

} // namespace cmm::test
