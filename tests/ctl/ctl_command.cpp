#include "ctl_command.hpp"

#include <chrono>

namespace cmm::test {

std::unique_ptr<child_process> start_ctl(uint16_t port,
                                         const std::vector<std::string>& args) {
  std::vector<std::string> line{CMM_CTL_BIN, "--port=" + std::to_string(port)};
  line.insert(line.end(), args.begin(), args.end());
  return std::make_unique<child_process>(std::move(line),
                                         child_process::stderr_to::err);
}

process_result run_ctl(uint16_t port, const std::vector<std::string>& args) {
  auto ctl = start_ctl(port, args);
  if (auto result = ctl->wait(std::chrono::seconds{30}))
    return *result;
  process_result hung;
  hung.out = ctl->out();
  hung.err = ctl->err() + "(cmm-ctl hung)";
  return hung;
}

} // namespace cmm::test
