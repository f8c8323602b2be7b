#include "ctl_command.hpp"

#include <chrono>
#include <stdexcept>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cmm::test {

namespace {

std::vector<std::string> command_line(uint16_t port,
                                      const std::vector<std::string>& args) {
  std::vector<std::string> out{CMM_CTL_BIN, "--port=" + std::to_string(port)};
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

} // namespace

process_result run_ctl(uint16_t port, const std::vector<std::string>& args) {
  child_process ctl{command_line(port, args)};
  if (auto result = ctl.wait(std::chrono::seconds{30}))
    return *result;
  return process_result{-1, ctl.out(), ctl.err() + "(cmm-ctl hung)"};
}

std::unique_ptr<child_process> start_ctl(uint16_t port,
                                         const std::vector<std::string>& args) {
  return std::make_unique<child_process>(command_line(port, args));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos;
       start = end + 1, end = text.find('\n', start))
    out.push_back(text.substr(start, end - start));
  if (start < text.size())
    out.push_back(text.substr(start));
  return out;
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
