#include "node_process.hpp"

#include <chrono>
#include <fstream>
#include <stdexcept>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cmm::test {

namespace {

using namespace std::chrono_literals;

/// Generous: the node loads libtorch before it listens.
constexpr auto startup_timeout = 30s;

std::string quoted(const std::string& text) {
  return '"' + text + '"';
}

/// Writes `KEY=VALUE`, the value quoted when a string is `quote`d, unless
/// `value` is empty.
void setting(std::ofstream& out, const char* key, const std::string& value,
             bool quote = false) {
  if (!value.empty())
    out << key << '=' << (quote ? quoted(value) : value) << '\n';
}

void write_config(const std::string& file, const node_options& options) {
  std::ofstream out{file};
  out << "[cmm]\n";
  setting(out, "idle-timeout", options.idle_timeout);
  setting(out, "dtype", options.dtype, true);
  setting(out, "log-level", options.log_level, true);
  setting(out, "max-request-bytes", options.max_request_bytes, true);
  if (!options.budgets.empty())
    setting(out, "budgets", ini_list(options.budgets));
  out << "[cmm.models]\n";
  for (auto& [id, entry] : options.models)
    out << id << '=' << quoted(entry) << '\n';
  if (options.tls.enabled())
    out << "[cmm.tls]\n"
        << "certificate=" << quoted(options.tls.certificate) << '\n'
        << "key=" << quoted(options.tls.key) << '\n'
        << "ca-file=" << quoted(options.tls.ca_file) << '\n';
  if (!options.heartbeat_interval.empty() ||
      !options.connection_timeout.empty())
    out << "[middleman]\n";
  setting(out, "heartbeat-interval", options.heartbeat_interval);
  setting(out, "connection-timeout", options.connection_timeout);
  out << "[node]\n"
      << "port=" << options.port << '\n'
      << "bind=\"127.0.0.1\"\n";
  setting(out, "drain-timeout", options.drain_timeout);
  if (options.http)
    out << "http-port=0\nhttp-operator-port=0\n";
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
      std::vector<std::string>{CMM_NODE_PROGRAM, "--config-file=" + config});
  auto line = process_->wait_for_line("listening on", startup_timeout);
  if (!line)
    throw std::runtime_error("cmm-node did not start:\n" + process_->out());
  // "cmm-node listening on 127.0.0.1:PORT with N catalog model(s);
  // operator endpoint on ADDRESS:PORT"
  std::string client_at = "listening on 127.0.0.1:";
  auto at = line->find(client_at);
  auto op = line->find(':', line->find("operator endpoint on "));
  if (at == std::string::npos || op == std::string::npos)
    throw std::runtime_error("unexpected cmm-node line: " + *line);
  port_ =
      static_cast<uint16_t>(std::stoul(line->substr(at + client_at.size())));
  operator_port_ = static_cast<uint16_t>(std::stoul(line->substr(op + 1)));
  // "...; HTTP on 127.0.0.1:PORT; HTTP operator side on 127.0.0.1:PORT"
  auto port_after = [&](const std::string& lead) -> uint16_t {
    auto i = line->find(lead);
    if (i == std::string::npos)
      return 0;
    return static_cast<uint16_t>(std::stoul(line->substr(i + lead.size())));
  };
  http_port_ = port_after("; HTTP on 127.0.0.1:");
  http_operator_port_ = port_after("; HTTP operator side on 127.0.0.1:");
  if (options.http && (http_port_ == 0 || http_operator_port_ == 0))
    throw std::runtime_error("cmm-node did not open its HTTP sides: " + *line);
}

std::string ini_list(const std::vector<std::string>& xs) {
  std::string out = "[";
  for (auto& x : xs)
    out += (out.size() > 1 ? ", " : "") + quoted(x);
  return out + "]";
}

uint16_t unused_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0)
      close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

} // namespace cmm::test
