#include "node_process.hpp"

#include <chrono>
#include <fstream>
#include <stdexcept>

namespace cmm::test {

namespace {

std::string quoted_list(const std::vector<std::string>& xs) {
  std::string out = "[";
  for (auto& x : xs)
    out += (out.size() > 1 ? ", \"" : "\"") + x + "\"";
  return out + "]";
}

std::string write_config(const temp_directory& dir,
                         const node_catalog& catalog) {
  auto path = dir.file("node.ini");
  std::ofstream ini{path};
  ini << "[cmm]\nidle-timeout=300s\n";
  if (!catalog.budgets.empty())
    ini << "budgets=" << quoted_list(catalog.budgets) << "\n";
  ini << "[cmm.models]\n";
  for (auto& [id, line] : catalog.models)
    ini << id << "=\"" << line << "\"\n";
  ini << "[node]\nport=0\ndrain-timeout=1s\n";
  return path;
}

} // namespace

node_process::node_process(const temp_directory& dir,
                           const node_catalog& catalog) {
  auto config = write_config(dir, catalog);
  process_ = std::make_unique<child_process>(
      std::vector<std::string>{CMM_NODE_BIN, "--config-file=" + config},
      dir.file("node.err"));
  auto line = process_->wait_for_line("listening on", std::chrono::seconds{20});
  if (!line) {
    std::ifstream err{dir.file("node.err")};
    std::string log{std::istreambuf_iterator<char>{err}, {}};
    throw std::runtime_error("cmm-node did not start: " + process_->out() +
                             log);
  }
  // "cmm-node listening on 127.0.0.1:PORT with ..."
  auto at = line->find("127.0.0.1:");
  if (at == std::string::npos)
    throw std::runtime_error("unexpected cmm-node line: " + *line);
  port_ = static_cast<uint16_t>(std::stoul(line->substr(at + 10)));
}

} // namespace cmm::test
